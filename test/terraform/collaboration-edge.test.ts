/**
 * The collaboration example's edge stack (examples/collaboration) under real terraform 1.11,
 * offline: its HTTPS listeners route two services at `/` on different hosts (the api on `api.`,
 * the web on the apex and `www`), the case that gave a listener rule priority 50,001, which the
 * AWS provider refuses ("priority" must be in the range 1-50000). Only this stack is planned: the
 * suite's time matters, and the other stacks of the example route nothing new.
 */
import { COLLABORATION_ROOT } from '../helpers/collaboration';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatProblem } from '../../config/errors';
import { parseEnvironment } from '../../config/load';
import { loadServiceCatalog } from '../../config/services';
import { synthesizeEnvironments } from '../../stacks/synthesize';
import { checkStacksOffline, StackCheckResult } from '../../terraform/offline';
import { StackJson } from '../helpers/examples';
import { missingForTerraform, requireTerraform } from '../helpers/terraform';

const ROOT = COLLABORATION_ROOT;
const EDGE = 'collab-prod-edge';

const available = missingForTerraform().length === 0;
const describeWithTerraform = requireTerraform(`the stack ${EDGE} of examples/collaboration`);

let result: StackCheckResult;
let stack: StackJson;
/** The stack's resource instances, as the synthesis counted them. */
let resources: number;

beforeAll(
  async () => {
    if (!available) return;
    const catalog = loadServiceCatalog(join(ROOT, 'services'), ROOT);
    const parsed = parseEnvironment(readFileSync(join(ROOT, 'environments', 'production.yaml'), 'utf8'), 'environments/production.yaml', catalog);
    if (!parsed.environment) throw new Error(parsed.problems.map(formatProblem).join('\n'));
    const root = mkdtempSync(join(tmpdir(), 'stagecraft-collab-edge-'));
    const outdir = join(root, 'cdktf.out');
    const summaries = synthesizeEnvironments([parsed.environment], { outdir, stateDir: root });
    resources = summaries.find((s) => s.name === EDGE)!.resources;
    stack = JSON.parse(readFileSync(join(outdir, 'stacks', EDGE, 'cdk.tf.json'), 'utf8')) as StackJson;
    [result] = await checkStacksOffline(outdir, { stacks: [EDGE] });
  },
  20 * 60 * 1000,
);

describeWithTerraform(`${EDGE} under terraform 1.11, offline`, () => {
  it('validates and plans with no diagnostic, creating exactly the synthesized resources', () => {
    expect({ status: result.status, validate: result.validate, plan: result.plan }).toEqual({
      status: 'ok',
      validate: { valid: true, errorCount: 0, warningCount: 0, diagnostics: [] },
      plan: { add: resources, change: 0, destroy: 0, resourceCount: resources },
    });
  });

  it('plans two catch-all listener rules per region, on different hosts, both within 1..50,000', () => {
    const rules = Object.entries(stack.resource?.aws_lb_listener_rule ?? {}) as Array<
      [string, { priority: number; condition: Array<{ path_pattern?: { values: string[] } }> }]
    >;
    const catchAlls = rules.filter(([, rule]) => rule.condition.some((c) => c.path_pattern?.values.join() === '/*'));
    expect(catchAlls.map(([id]) => id).sort()).toEqual([
      'https-eu-west-1-api-http',
      'https-eu-west-1-web-http',
      'https-us-east-1-api-http',
      'https-us-east-1-web-http',
    ]);
    for (const [, rule] of rules) {
      expect(rule.priority).toBeGreaterThanOrEqual(1);
      expect(rule.priority).toBeLessThanOrEqual(50_000);
    }
    const planned = (result.changes ?? []).filter((c) => c.action === 'create' && c.address.startsWith('aws_lb_listener_rule.'));
    expect(planned.map((c) => c.address).sort()).toEqual(rules.map(([id]) => `aws_lb_listener_rule.${id}`).sort());
  });
});
