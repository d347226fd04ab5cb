/**
 * `stagecraft review --plan` on a real `terraform show -json` plan: the launch example's
 * regional stack planned offline (`checkStacksOffline` with planJsonDir), then reviewed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../cli/main';
import { Io } from '../../cli/command';
import { summarizeStack, synthesizeEnvironments } from '../../stacks/synthesize';
import { checkStacksOffline, findProviderMirror, findTerraform, StackCheckResult } from '../../terraform/offline';
import { environmentFiles, loadEnvironments } from '../../config/load';
import { EXAMPLES_ROOT } from '../helpers/examples';

const STACK = 'acme-launch-us-east-1';
const available = findTerraform() !== undefined && findProviderMirror() !== undefined;
if (!available) {
  console.warn(
    'Skipping `stagecraft review --plan` on a real plan: terraform or the hashicorp/aws 5.100.0 provider mirror is missing (see docs/verification.md).',
  );
}
const describeWithTerraform = available ? describe : describe.skip;

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => (stdout += t), err: (t) => (stderr += t), cwd: EXAMPLES_ROOT };
  return { code: await runCli(argv, io), stdout, stderr };
}

describeWithTerraform("stagecraft review --plan on the launch stack's real plan", () => {
  let root: string;
  let outdir: string;
  let planFile: string;
  let result: StackCheckResult;
  let plan: { resource_changes: Array<{ change: { actions: string[] } }> };

  beforeAll(
    async () => {
      root = mkdtempSync(join(tmpdir(), 'stagecraft-review-plan-'));
      outdir = join(root, 'cdktf.out');
      const environments = loadEnvironments(environmentFiles(['launch'], EXAMPLES_ROOT), EXAMPLES_ROOT);
      synthesizeEnvironments(environments, { outdir, stateDir: root });
      [result] = await checkStacksOffline(outdir, { stacks: [STACK], planJsonDir: join(root, 'plans') });
      planFile = result.planJsonPath as string;
      plan = JSON.parse(readFileSync(planFile, 'utf8'));
    },
    20 * 60 * 1000,
  );

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('planned the stack', () => {
    expect(result.status).toBe('ok');
    expect(planFile).toBe(join(root, 'plans', `${STACK}.plan.json`));
  });

  it('lists every create of the plan, and counts them as the plan does', async () => {
    const review = await run('review', '--plan', planFile, '--format', 'json');
    expect(review.code).toBe(1);
    const report = JSON.parse(review.stdout);
    const creates = plan.resource_changes.filter((c) => c.change.actions.includes('create')).length;
    expect(creates).toBe(result.plan?.add);
    expect(creates).toBe(summarizeStack(outdir, STACK, 'acme-launch').resources);
    expect(report.summary).toMatchObject({ create: creates, update: 0, replace: 0, delete: 0, stacksChanged: 1, dataLoss: 0, findings: null });
    expect(report.stacks.map((s: { stack: string }) => s.stack)).toEqual([STACK]);
    expect(report.stacks[0].changes).toHaveLength(creates);
    expect(report.stacks[0].changes.every((c: { action: string }) => c.action === 'create')).toBe(true);
  });

  it('renders the plan as Markdown, and runs the guardrails when given the synthesis it came from', async () => {
    const review = await run('review', '--plan', planFile, '--head', outdir);
    expect(review.code).toBe(1);
    expect(review.stdout.split('\n')[0]).toBe(`## Stagecraft review: ${result.plan?.add} to add, 0 to change, 0 to replace, 0 to destroy in 1 stack`);
    expect(review.stdout).toContain('No stateful resource is destroyed or replaced, and no data protection is removed.');
    expect(review.stdout).toContain('### Guardrail findings on head\n\nNone (3 suppressed with a reason; `stagecraft check` lists them).');
    expect(review.stdout).toContain('> Actions and replacements come from the plan itself; values known only after apply are not listed.');
  });
});
