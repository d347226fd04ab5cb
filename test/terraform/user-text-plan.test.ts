/**
 * User text is data: an alert email whose local part is a Terraform expression
 * (`${file("/etc/hostname")}`) and a template directive reaches the real `terraform plan` of the
 * regional stack as literal text, not as the planning machine's hostname.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizeEnvironments } from '../../stacks/synthesize';
import { checkStacksOffline, StackCheckResult } from '../../terraform/offline';
import { parseEnvironment } from '../../config/load';
import { requireTerraform } from '../helpers/terraform';

const STACK = 'inject-launch-us-east-1';
const PAYLOADS = ['${file("/etc/hostname")}@example.com', 'x%{endif}@example.com', '$HOME@example.com'];
const describeWithTerraform = requireTerraform(`the stack ${STACK} (user text in a real plan)`);

describeWithTerraform('user text in a real terraform plan', () => {
  let root: string;
  let result: StackCheckResult;
  let plan: { resource_changes: Array<{ type: string; change: { after: Record<string, unknown> } }> };

  beforeAll(
    async () => {
      root = mkdtempSync(join(tmpdir(), 'stagecraft-inject-plan-'));
      const yaml = [
        'name: inject-launch',
        'stage: launch',
        'regions: [us-east-1]',
        'domain: inject.example.com',
        'alerts:',
        '  emails:',
        ...PAYLOADS.map((p) => `    - ${JSON.stringify(p)}`),
        '',
      ].join('\n');
      const { environment, problems } = parseEnvironment(yaml, 'inject.yaml');
      if (!environment) throw new Error(JSON.stringify(problems));
      const outdir = join(root, 'cdktf.out');
      synthesizeEnvironments([environment], { outdir, stateDir: root });
      [result] = await checkStacksOffline(outdir, { stacks: [STACK], planJsonDir: join(root, 'plans') });
      plan = JSON.parse(readFileSync(result.planJsonPath as string, 'utf8'));
    },
    20 * 60 * 1000,
  );

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('plans the stack, and every subscription holds the email exactly as written', () => {
    expect(result.status).toBe('ok');
    const endpoints = plan.resource_changes.filter((r) => r.type === 'aws_sns_topic_subscription').map((r) => r.change.after.endpoint);
    expect(endpoints.sort()).toEqual([...PAYLOADS].sort());
    expect(JSON.stringify(plan)).not.toContain(readFileSync('/etc/hostname', 'utf8').trim() + '@');
  });
});
