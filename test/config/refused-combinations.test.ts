/**
 * Combinations that cannot work are refused with exit 2 and the reason, before anything is
 * synthesized (issue 18: "Bad combinations are refused with exit 2 and exact-message tests"):
 * shard homes without active-active, CockroachDB Cloud's request units off a serverless cluster,
 * an edge service without the edge Worker or without a public port, several regions on a zone
 * without the Load Balancing add-on, and the edge Worker (its Durable Object) without Workers
 * Paid. Each runs the CLI in a temporary project and asserts the whole message line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { project, run } from '../helpers/cli';
import { PROJECT_ROOT } from '../helpers/examples';

const EXAMPLES = join(PROJECT_ROOT, 'examples');
const exampleFile = (example: string, path: string) => readFileSync(join(EXAMPLES, example, path), 'utf8');

/** A project of one example's services, with `environment` as environments/env.yaml and `replace` applied to service files. */
function exampleProject(example: string, environment: string, replace: Record<string, (text: string) => string> = {}): string {
  const files: Record<string, string> = { 'environments/env.yaml': environment };
  const services = join(EXAMPLES, example, 'services');
  for (const name of readdirSync(services)) {
    const text = exampleFile(example, join('services', name));
    files[`services/${name}`] = (replace[name] ?? ((t: string) => t))(text);
  }
  return project(files);
}

/** Runs `synth` and returns its exit code and the problem lines it printed. */
async function refusal(root: string): Promise<{ code: number; lines: string[] }> {
  const result = await run(root, 'synth', '--out', 'out');
  return { code: result.code, lines: result.stderr.split('\n').filter((line) => line.startsWith('environments/') || line.startsWith('services/')) };
}

const IDENTITY_ADDONS = '  addons: [loadBalancing, trafficSteering, advancedRateLimiting, workersPaid]\n';
/** A massive environment of the identity product's services in three regions. */
const IDENTITY = (components: string, edge = `edge:\n  cloudflarePlan: enterprise\n${IDENTITY_ADDONS}`) =>
  `name: crdb-test\nstage: massive\nregions: [us-east-1, eu-west-1, us-west-2]\ndomain: crdb.example.com\nbackend:\n  s3:\n    bucket: crdb-terraform-state\ncomponents:\n  search: false\n  queue: none\n${components}${edge}`;

describe('refused combinations (issue 18)', () => {
  it('refuses shard homes when one region writes every shard (active-passive)', async () => {
    const environment = exampleFile('chat-1b', 'environments/chat-1b.yaml').replace('mode: active-active', 'mode: active-passive');
    const { code, lines } = await refusal(exampleProject('chat-1b', environment));
    expect(code).toBe(2);
    expect(lines).toContain(
      'environments/env.yaml: components.postgres.shards.homes: shards are homed in regions only when every region writes; allowed: components.regions.mode: active-active, or no homes (the first region writes every shard)',
    );
  });

  it('refuses several regions on a zone without the Load Balancing add-on, before `check` or apply would', async () => {
    const environment = exampleFile('collaboration', 'environments/production.yaml').replace('  addons: [loadBalancing]\n', '');
    const { code, lines } = await refusal(exampleProject('collaboration', environment));
    expect(code).toBe(2);
    expect(lines).toEqual([
      'environments/env.yaml: edge.addons: 2 regions are served through a Cloudflare load balancer, which needs the Load Balancing add-on; allowed: edge.addons: [loadBalancing] once the account has it, or one region; received none (plan enterprise)',
    ]);
  });

  it('refuses the edge Worker on an account without Workers Paid', async () => {
    const root = exampleProject(
      'identity',
      IDENTITY('  cockroachdb:\n    hosting: managed\n', 'edge:\n  cloudflarePlan: enterprise\n  addons: [loadBalancing, trafficSteering]\n'),
    );
    const { code, lines } = await refusal(root);
    expect(code).toBe(2);
    expect(lines).toEqual([
      'environments/env.yaml: edge.addons: the edge Worker (on by default on massive) keeps its rate-limit counters in a Durable Object, which needs Workers Paid; allowed: edge.addons: [loadBalancing, trafficSteering, workersPaid] once the account has it, or edge.worker.enabled: false; received [loadBalancing, trafficSteering] (plan enterprise)',
    ]);
  });

  it('refuses requestUnitsPerQuery on a dedicated CockroachDB Cloud cluster', async () => {
    const root = exampleProject('identity', IDENTITY('  cockroachdb:\n    hosting: managed\n    plan: dedicated\n    requestUnitsPerQuery: 4\n'));
    const { code, lines } = await refusal(root);
    expect(code).toBe(2);
    expect(lines).toEqual([
      'environments/env.yaml: components.cockroachdb.requestUnitsPerQuery: applies to plan: serverless; a dedicated cluster is billed by its nodes',
    ]);
  });

  it('refuses requestUnitsPerQuery on CockroachDB run on EKS', async () => {
    const root = exampleProject('identity', IDENTITY('  cockroachdb:\n    hosting: eks\n    requestUnitsPerQuery: 4\n'));
    const { code, lines } = await refusal(root);
    expect(code).toBe(2);
    expect(lines).toContain('environments/env.yaml: components.cockroachdb.requestUnitsPerQuery: applies to hosting: managed with plan: serverless');
  });

  it('refuses an edge service when the edge Worker is off', async () => {
    const root = exampleProject(
      'identity',
      IDENTITY('  cockroachdb:\n    hosting: managed\n', `edge:\n  cloudflarePlan: enterprise\n${IDENTITY_ADDONS}  worker:\n    enabled: false\n`),
    );
    const { code, lines } = await refusal(root);
    expect(code).toBe(2);
    expect(lines).toEqual([
      'environments/env.yaml: services.identity-edge: identity-edge runs at the edge (services/identity-edge.yaml: edge), which needs the edge Worker; set edge.worker.enabled: true (growth on) or disable identity-edge',
    ]);
  });

  it('refuses an edge service with no public port', async () => {
    // An internal web service (kind: web, which a service without a public port is not by default).
    const privatePorts = (text: string) =>
      text
        .replace('name: identity-edge\n', 'name: identity-edge\nkind: web\n')
        .replace(/ports:\n( {2}- .*\n)+/, 'ports:\n  - { name: oauth, port: 8080 }\n  - { name: discovery, port: 8081 }\n');
    const root = exampleProject('identity', IDENTITY('  cockroachdb:\n    hosting: managed\n'), { 'identity-edge.yaml': privatePorts });
    const { code, lines } = await refusal(root);
    expect(code).toBe(2);
    expect(lines).toEqual(["services/identity-edge.yaml: ports: an edge service answers on the edge Worker's routes: give it a public port with a route"]);
  });
});
