/**
 * Combinations of managed CockroachDB and edge-first services that cannot work are refused with
 * exit 2 and the reason, before anything is synthesized.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { project, run } from '../helpers/cli';
import { PROJECT_ROOT } from '../helpers/examples';
import { SEVERAL_REGIONS_EDGE } from '../helpers/environments';

const IDENTITY = join(PROJECT_ROOT, 'examples', 'identity');
const serviceFile = (name: string) => readFileSync(join(IDENTITY, 'services', name), 'utf8');

const MASSIVE = (regions: string, components: string) =>
  `name: crdb-test\nstage: massive\nregions: [${regions}]\ndomain: crdb.example.com\nbackend:\n  s3:\n    bucket: crdb-terraform-state\ncomponents:\n  search: false\n  queue: none\n${components}${SEVERAL_REGIONS_EDGE}`;

/** The identity product's services, with `edgeService` in place of identity-edge's file. */
function identityProject(environment: string, edgeService = serviceFile('identity-edge.yaml')): string {
  return project({
    'environments/env.yaml': environment,
    'services/identity-edge.yaml': edgeService,
    'services/identity-edge.worker.js': serviceFile('identity-edge.worker.js'),
    'services/session-store.yaml': serviceFile('session-store.yaml'),
  });
}

describe('managed CockroachDB and edge-first services: refused combinations', () => {
  it('refuses a serverless cluster in a region CockroachDB Cloud does not offer it in', async () => {
    const root = identityProject(MASSIVE('us-east-1, eu-west-1, ap-northeast-1', '  cockroachdb:\n    hosting: managed\n'));
    const result = await run(root, 'synth', '--out', 'out');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'environments/env.yaml: components.cockroachdb.hosting: CockroachDB Cloud offers no serverless cluster in ap-northeast-1; serverless regions: ap-south-1, ap-southeast-1, us-east-1, us-east-2, us-west-2, eu-central-1, eu-west-1, eu-west-2 (or another plan, or hosting: eks)\n',
    );
  });

  it('accepts the same regions on a dedicated cluster, which CockroachDB Cloud offers in ap-northeast-1', async () => {
    const root = identityProject(MASSIVE('us-east-1, eu-west-1, ap-northeast-1', '  cockroachdb:\n    hosting: managed\n    plan: dedicated\n'));
    const result = await run(root, 'synth', '--out', 'out');
    expect(result.stderr).not.toContain('components.cockroachdb');
    expect(result.code).toBe(0);
    const stack = JSON.parse(readFileSync(join(root, 'out', 'stacks', 'crdb-test-ap-northeast-1', 'cdk.tf.json'), 'utf8')) as {
      resource: Record<string, Record<string, { tags?: Record<string, string> }>>;
    };
    const secrets = Object.values(stack.resource.aws_secretsmanager_secret).filter((s) => s.tags?.['stagecraft:managed-service'] === 'cockroachdb-cloud');
    expect(secrets.map((s) => s.tags)).toEqual([
      { 'stagecraft:managed-service': 'cockroachdb-cloud', 'stagecraft:cockroachdb-plan': 'dedicated', 'stagecraft:cockroachdb-nodes-per-region': '3' },
    ]);
  });

  it('refuses database.nodesPerRegion on a serverless cluster and managed-only fields on EKS', async () => {
    const serverless = identityProject(
      MASSIVE('us-east-1, eu-west-1, us-west-2', '  cockroachdb:\n    hosting: managed\n') + 'database:\n  nodesPerRegion: 3\n',
    );
    const first = await run(serverless, 'synth', '--out', 'out');
    expect(first.code).toBe(2);
    expect(first.stderr).toContain(
      'environments/env.yaml: database.nodesPerRegion: applies to CockroachDB on EKS or on a dedicated CockroachDB Cloud cluster; a serverless cluster has no nodes to size\n',
    );
    const eks = identityProject(MASSIVE('us-east-1, eu-west-1, us-west-2', '  cockroachdb:\n    hosting: eks\n    plan: serverless\n'));
    const second = await run(eks, 'synth', '--out', 'out');
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(
      'environments/env.yaml: components.cockroachdb.plan: applies to hosting: managed (CockroachDB Cloud); this environment runs CockroachDB on EKS\n',
    );
  });

  it('refuses an edge service that declares a data store inside the VPC (ElastiCache Redis)', async () => {
    const edge = serviceFile('identity-edge.yaml').replace('dataStores: [database]', 'dataStores: [database, redis]');
    const root = identityProject(MASSIVE('us-east-1, eu-west-1, us-west-2', '  cockroachdb:\n    hosting: managed\n'), edge);
    const result = await run(root, 'synth', '--out', 'out');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "services/identity-edge.yaml: dataStores[1]: redis runs inside a region's VPC, which a Worker at the edge cannot reach; allowed for an edge service: database (CockroachDB Cloud), or drop edge: to run it in the regions\n",
    );
  });

  it('refuses an edge service that declares database while CockroachDB runs on EKS', async () => {
    const root = identityProject(MASSIVE('us-east-1, eu-west-1, us-west-2', ''));
    const result = await run(root, 'synth', '--out', 'out');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "environments/env.yaml: services.identity-edge: identity-edge runs at the edge and declares database (services/identity-edge.yaml: dataStores), but this environment's database is inside its VPCs; allowed: components.cockroachdb.hosting: managed (CockroachDB Cloud), or drop database from identity-edge\n",
    );
  });

  it('refuses an edge service whose Worker module is missing', async () => {
    const root = project({
      'environments/env.yaml': MASSIVE('us-east-1, eu-west-1, us-west-2', '  cockroachdb:\n    hosting: managed\n'),
      'services/identity-edge.yaml': serviceFile('identity-edge.yaml'),
      'services/session-store.yaml': serviceFile('session-store.yaml'),
    });
    const result = await run(root, 'synth', '--out', 'out');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'services/identity-edge.yaml: edge.module: services/identity-edge.worker.js does not exist; give the bundled Worker module (an ES module with a default fetch export) beside this file\n',
    );
  });
});
