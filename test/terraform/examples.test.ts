/**
 * Every AWS stack of every example environment passes real `terraform validate` and
 * `terraform plan`, offline, against the AWS provider 5.100.0 mirror.
 * (`stagecraft validate --plan-json-dir <dir>` keeps the plans as JSON.)
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

describeWithTerraform('offline terraform validate and plan of every example AWS stack', () => {
  let examples: ExampleSynthesis;
  let results: StackCheckResult[];

  beforeAll(
    async () => {
      examples = synthesizeExamples();
      // Edge (Cloudflare) and apps (Kubernetes) stacks use providers that are not in the offline mirror.
      const awsStacks = examples.summaries.filter((s) => !s.name.endsWith('-edge') && !s.name.endsWith('-apps')).map((s) => s.name);
      const started = Date.now();
      results = await checkStacksOffline(examples.outdir, { stacks: awsStacks, onProgress: (line) => process.stderr.write(`${line}\n`) });
      process.stderr.write(`offline plan suite: ${awsStacks.length} stacks in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    },
    60 * 60 * 1000,
  );

  it('checks all eight regional stacks', () => {
    expect(results.map((r) => r.stack).sort()).toEqual([
      'acme-growth-us-east-1',
      'acme-hyperscale-us-east-1',
      'acme-launch-us-east-1',
      'acme-massive-ap-northeast-1',
      'acme-massive-eu-west-1',
      'acme-massive-us-east-1',
      'acme-scale-us-west-2',
      'acme-traction-eu-west-1',
    ]);
  });

  it('reports the apps stacks as skipped, not AWS-only (kubernetes provider)', async () => {
    const apps = examples.summaries.filter((s) => s.name.endsWith('-apps')).map((s) => s.name);
    expect(apps).toHaveLength(6);
    const skipped = await checkStacksOffline(examples.outdir, { stacks: apps });
    expect(skipped.map((r) => [r.stack, r.status, r.reason])).toEqual(
      apps.map((name) => [name, 'skipped', 'not an AWS-only stack, skipped (required providers: kubernetes)']),
    );
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
