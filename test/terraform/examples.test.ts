/**
 * All 20 stacks of the example environments pass real `terraform init`, `validate` and `plan`,
 * offline, none skipped: the regional stacks against the AWS provider 5.100.0 from the mirror, the
 * edge stacks with the stand-in serving Cloudflare (and the real AWS provider), the apps stacks
 * with the stand-in serving Kubernetes: typed resources, planned before their cluster exists.
 * (`stagecraft validate --plan-json-dir <dir>` keeps the plans as JSON; `npm run bench` times it.)
 */
import { checkStacksOffline, findProviderMirror, findTerraform, StackCheckResult } from '../../terraform/offline';
import { ExampleSynthesis, synthesizeExamples } from '../helpers/examples';

const available = findTerraform() !== undefined && findProviderMirror() !== undefined;
if (!available) {
  console.warn(
    'Skipping the offline plan of the example stacks: terraform or the hashicorp/aws 5.100.0 provider mirror is missing (see docs/verification.md).',
  );
}
const describeWithTerraform = available ? describe : describe.skip;

describeWithTerraform('offline terraform validate and plan of every example stack', () => {
  let examples: ExampleSynthesis;
  let results: StackCheckResult[];

  beforeAll(
    async () => {
      examples = synthesizeExamples();
      const started = Date.now();
      results = await checkStacksOffline(examples.outdir, { onProgress: (line) => process.stderr.write(`${line}\n`) });
      process.stderr.write(`offline plan suite: ${results.length} stacks in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    },
    60 * 60 * 1000,
  );

  it('checks all 20 stacks, none skipped: 8 regional, 6 edge, 6 apps', () => {
    expect(results.map((r) => r.stack).sort()).toEqual(examples.summaries.map((s) => s.name).sort());
    const kinds = { regional: 0, edge: 0, apps: 0 };
    for (const result of results) kinds[result.stack.endsWith('-edge') ? 'edge' : result.stack.endsWith('-apps') ? 'apps' : 'regional']++;
    expect(kinds).toEqual({ regional: 8, edge: 6, apps: 6 });
    expect(results.filter((r) => r.status !== 'ok').map((r) => [r.stack, r.status, r.validate.diagnostics])).toEqual([]);
  });

  it('validates every stack with no errors', () => {
    for (const result of results) {
      expect({ stack: result.stack, status: result.status, diagnostics: result.validate.diagnostics }).toEqual({
        stack: result.stack,
        status: 'ok',
        diagnostics: expect.any(Array),
      });
      expect(result.validate).toMatchObject({ valid: true, errorCount: 0 });
    }
  });

  it('plans to create exactly the synthesized resources, changing and destroying nothing', () => {
    for (const result of results) {
      const synthesized = examples.summaries.find((s) => s.name === result.stack)!;
      expect({ stack: result.stack, plan: result.plan }).toEqual({
        stack: result.stack,
        plan: expect.objectContaining({ add: synthesized.resources, change: 0, destroy: 0 }),
      });
    }
  });
});
