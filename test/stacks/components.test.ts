/**
 * Every combination of `components:` goes through the same path: synthesis, check (0 errors),
 * cost (every resource priced), graph and review. A matrix of combinations per cluster stage is
 * synthesized once; a component an environment leaves out leaves no resource, IAM statement,
 * environment variable, security-group rule or cost line behind. The collaboration example
 * (examples/collaboration) is synthesized, checked and priced here, not in the terraform suite.
 */
import { COLLABORATION_ROOT } from '../helpers/collaboration';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnvironment } from '../../config/load';
import { formatProblem } from '../../config/errors';
import { Environment } from '../../config/environment';
import { loadServiceCatalog, ServiceCatalog } from '../../config/services';
import { synthesizeEnvironments } from '../../stacks/synthesize';
import { readSynthesis } from '../../synthesis/read';
import { Synthesis } from '../../synthesis/stack-views';
import { readAll } from '../../synthesis/values';
import { checkSynthesis } from '../../policies/engine';
import { sizeEnvironments, SizedEnvironment } from '../../sizing/blueprint';
import { priceSizedEnvironment } from '../../cost/estimate';
import { buildTopology } from '../../graph/build';
import { diffSyntheses } from '../../review/diff';
import { cachedExampleSynthesis, EXAMPLES_ROOT } from '../helpers/examples';
import { databaseUserName } from '../../config/database-user';
import { componentCatalog } from '../helpers/component-catalog';
import { run } from '../helpers/cli';

const ORIGIN_CA = readFileSync(join(EXAMPLES_ROOT, 'environments', 'growth.yaml'), 'utf8').match(/ {2}originPullCa: \|\n( {4}.*\n)+/)![0];

interface Combination {
  readonly name: string;
  readonly stage: 'growth' | 'scale' | 'hyperscale' | 'massive';
  readonly regions: readonly string[];
  readonly search: boolean;
  readonly queues: ReadonlyArray<'rabbitmq' | 'kafka'>;
  readonly mode?: 'active-passive' | 'active-active';
  readonly extra?: string;
  /** PgBouncer in front of Postgres (components.postgres.pooler). @default false */
  readonly pooler?: boolean;
}

/** Per cluster stage: the default, stores removed, both brokers, and several regions. */
const MATRIX: readonly Combination[] = [
  { name: 'cg-default', stage: 'growth', regions: ['us-east-1'], search: true, queues: ['rabbitmq'] },
  { name: 'cg-bare', stage: 'growth', regions: ['us-east-1'], search: false, queues: [] },
  { name: 'cg-both-ap', stage: 'growth', regions: ['us-east-1', 'us-west-2'], search: false, queues: ['rabbitmq', 'kafka'], mode: 'active-passive' },
  { name: 'cg-pool-ap', stage: 'growth', regions: ['us-east-1', 'us-west-2'], search: false, queues: ['rabbitmq'], mode: 'active-passive', pooler: true },
  { name: 'cs-kafka', stage: 'scale', regions: ['us-east-1'], search: true, queues: ['kafka'] },
  { name: 'cs-both-ap', stage: 'scale', regions: ['us-east-1', 'eu-west-1'], search: true, queues: ['rabbitmq', 'kafka'], mode: 'active-passive' },
  { name: 'ch-rabbit', stage: 'hyperscale', regions: ['us-east-1'], search: false, queues: ['rabbitmq'] },
  {
    name: 'ch-crdb-aa',
    stage: 'hyperscale',
    regions: ['us-east-1', 'eu-west-1', 'us-west-2'],
    search: true,
    queues: ['kafka'],
    mode: 'active-active',
    extra: 'database:\n  engine: cockroachdb\n',
  },
  { name: 'cm-both', stage: 'massive', regions: ['us-east-1', 'eu-west-1', 'us-west-2'], search: false, queues: ['rabbitmq', 'kafka'] },
];

function yamlOf(c: Combination): string {
  const off = [
    ...(c.search ? [] : ['search-indexer']),
    ...(c.queues.includes('rabbitmq') ? [] : ['task-worker']),
    ...(c.queues.includes('kafka') ? [] : ['event-consumer']),
  ];
  return [
    `name: ${c.name}`,
    `stage: ${c.stage}`,
    `regions: [${c.regions.join(', ')}]`,
    `domain: ${c.name}.example.com`,
    'aws:\n  accountId: "111122223333"',
    'compute:\n  publicApiCidrs: [203.0.113.0/24]',
    c.stage === 'growth' ? '' : 'backend:\n  s3:\n    bucket: acme-terraform-state',
    `edge:\n${ORIGIN_CA}  originPullCertificateId: 0e1c7a52-6f4d-4b7e-9a35-2c8d41f0b6a1\n  cloudflarePlan: enterprise\n  addons: [loadBalancing, trafficSteering, workersPaid]`,
    'components:',
    `  search: ${c.search}`,
    `  queue: ${c.queues.length === 0 ? 'none' : `[${c.queues.join(', ')}]`}`,
    c.mode ? `  regions: { mode: ${c.mode} }` : '',
    c.pooler ? '  postgres: { pooler: true }' : '',
    c.extra ?? '',
    off.length > 0 ? `services:\n${off.map((s) => `  ${s}: { enabled: false }`).join('\n')}` : '',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

function parsed(text: string, file: string, catalog: ServiceCatalog): Environment {
  const { environment, problems } = parseEnvironment(text, file, catalog);
  if (!environment) throw new Error(problems.map(formatProblem).join('\n'));
  return environment;
}

function synthesized(environments: Environment[]): Synthesis {
  const root = mkdtempSync(join(tmpdir(), 'stagecraft-components-'));
  const outdir = join(root, 'cdktf.out');
  synthesizeEnvironments(environments, { outdir, stateDir: root });
  return readSynthesis(outdir, { command: 'test', flag: '--from', given: outdir });
}

/** Every string of the environment's stacks, one text: where an absent component must leave nothing. */
function textOf(synthesis: Synthesis, environment: string): string {
  return synthesis.stacks
    .filter((s) => s.name.startsWith(`${environment}-`))
    .map((s) => JSON.stringify(s.json))
    .join('\n');
}

let synthesis: Synthesis;
let sized: SizedEnvironment[];

beforeAll(() => {
  const catalog = componentCatalog();
  const environments = MATRIX.map((c) => parsed(yamlOf(c), `${c.name}.yaml`, catalog));
  sized = sizeEnvironments(environments);
  synthesis = synthesized(environments);
}, 600_000);

describe.each(MATRIX.map((c) => [c.name, c] as const))('%s', (name, combination) => {
  const environment = () => sized.find((s) => s.environment.name === name)!;

  test('check: no errors', () => {
    const result = checkSynthesis(synthesis, { stackFilter: (s) => s.name.startsWith(`${name}-`) });
    expect(result.findings.filter((f) => f.level === 'error').map((f) => `${f.stack} ${f.address} ${f.ruleId}: ${f.message}`)).toEqual([]);
    expect(result.stacks).toBe(combination.regions.length * 2 + 1);
  });

  test('cost: every resource priced, no line for an absent component', () => {
    const stacks = synthesis.stacks.filter((s) => s.name.startsWith(`${name}-`)).map((s) => ({ name: s.name, json: s.json }));
    const cost = priceSizedEnvironment(environment(), stacks);
    expect(cost.stacks.flatMap((s) => s.unpriced.map((u) => u.address))).toEqual([]);
    const types = new Set(cost.stacks.flatMap((s) => s.resources.map((r) => r.type)));
    expect(types.has('aws_opensearch_domain')).toBe(combination.search);
    expect(types.has('aws_mq_broker')).toBe(combination.queues.includes('rabbitmq'));
    expect(types.has('aws_msk_cluster')).toBe(combination.queues.includes('kafka'));
    expect(cost.monthlyUsd).toBeGreaterThan(0);
  });

  test('an absent component leaves no resource, IAM, environment variable or rule', () => {
    const text = textOf(synthesis, name);
    const present = {
      search: ['aws_opensearch_domain', 'SEARCH_ENDPOINT', 'es:ESHttp'],
      rabbitmq: ['aws_mq_broker', 'QUEUE_KIND\\":\\"rabbitmq', '"QUEUE_KIND","value":"rabbitmq"', 'rabbitmq-dead-letters'],
      kafka: ['aws_msk_cluster', 'KAFKA_BOOTSTRAP_BROKERS', 'kafka-cluster:Connect'],
      pooler: ['pgbouncer', 'DATABASE_PASSWORD_SECRET'],
    };
    const expected = {
      search: combination.search,
      rabbitmq: combination.queues.includes('rabbitmq'),
      kafka: combination.queues.includes('kafka'),
      pooler: combination.pooler ?? false,
    };
    for (const [component, needles] of Object.entries(present)) {
      const found = needles.filter((needle) => text.includes(needle));
      if (expected[component as keyof typeof expected]) expect([component, found.length > 0]).toEqual([component, true]);
      else expect([component, found]).toEqual([component, []]);
    }
  });

  test('graph: the diagram shows exactly the components it runs', () => {
    const topology = buildTopology(synthesis, environment());
    const regions = combination.regions.length;
    expect(topology.nodes.filter((n) => n.kind === 'search')).toHaveLength(combination.search ? regions : 0);
    expect(topology.nodes.filter((n) => n.kind === 'queue')).toHaveLength(combination.queues.length * regions);
  });

  test('review: its first deploy creates exactly the components it runs', () => {
    const others: Synthesis = { label: 'without it', stacks: synthesis.stacks.filter((s) => !s.name.startsWith(`${name}-`)) };
    const changes = diffSyntheses(others, synthesis).flatMap((s) => s.changes);
    expect(new Set(changes.map((c) => c.action))).toEqual(new Set(['create']));
    const created = new Set(changes.map((c) => c.type));
    expect([created.has('aws_opensearch_domain'), created.has('aws_mq_broker'), created.has('aws_msk_cluster')]).toEqual([
      combination.search,
      combination.queues.includes('rabbitmq'),
      combination.queues.includes('kafka'),
    ]);
  });
});

describe('review: removing a component is a deletion the reviewer sees', () => {
  test('cg-default → search and RabbitMQ left out', () => {
    const catalog = componentCatalog();
    const before = MATRIX[0];
    const after: Combination = { ...before, search: false, queues: [] };
    // cg-default's own stacks out of the matrix's synthesis: what synthesizing it alone writes.
    const base: Synthesis = { label: 'cg-default', stacks: synthesis.stacks.filter((s) => s.name.startsWith(`${before.name}-`)) };
    expect(base.stacks).toHaveLength(3);
    const head = synthesized([parsed(yamlOf(after), 'cg-default.yaml', catalog)]);
    const deleted = diffSyntheses(base, head)
      .flatMap((s) => s.changes)
      .filter((c) => c.action === 'delete')
      .map((c) => c.type);
    expect(deleted).toEqual(expect.arrayContaining(['aws_opensearch_domain', 'aws_mq_broker']));
    expect(
      diffSyntheses(base, head)
        .flatMap((s) => s.changes)
        .filter((c) => c.action === 'create')
        .map((c) => c.type),
    ).not.toContain('aws_opensearch_domain');
  }, 300_000);
});

describe('several regions', () => {
  const stack = (name: string) => synthesis.stacks.find((s) => s.name === name)!.json as { resource?: Record<string, Record<string, Record<string, unknown>>> };
  const resources = (name: string, type: string) => Object.values(stack(name).resource?.[type] ?? {});

  test('active-passive on RDS: the second region runs a cross-region standby of the first region’s primary, and the edge fails over in region order', () => {
    const [standby] = resources('cg-both-ap-us-west-2', 'aws_db_instance').filter((d) => String(d.replicate_source_db).startsWith('arn:'));
    expect(standby.replicate_source_db).toBe('arn:aws:rds:us-east-1:111122223333:db:cg-both-ap-us-east-1-postgres');
    expect(resources('cg-both-ap-us-east-1', 'aws_db_instance').filter((d) => String(d.replicate_source_db ?? '').startsWith('arn:'))).toEqual([]);
    const [lb] = resources('cg-both-ap-edge', 'cloudflare_load_balancer');
    expect(lb.steering_policy).toBe('off');
    expect(lb.description).toBe('cg-both-ap: active-passive, us-east-1 first, the next region on failover');
  });

  test('active-passive on Aurora: one global database, created in the first region and joined by the second', () => {
    expect(resources('cs-both-ap-us-east-1', 'aws_rds_global_cluster').map((g) => g.global_cluster_identifier)).toEqual(['cs-both-ap-aurora']);
    expect(resources('cs-both-ap-eu-west-1', 'aws_rds_global_cluster')).toEqual([]);
    const [secondary] = resources('cs-both-ap-eu-west-1', 'aws_rds_cluster');
    expect(secondary.global_cluster_identifier).toBe('cs-both-ap-aurora');
    expect(secondary.master_username).toBeUndefined();
  });

  test('active-active on CockroachDB: geo steering to every region', () => {
    const [lb] = resources('ch-crdb-aa-edge', 'cloudflare_load_balancer');
    expect(lb.steering_policy).toBe('geo');
  });
});

describe('the collaboration suite of seed 003 (examples/collaboration)', () => {
  /** The example as synthesized once for every test file (test/graph/platform-edges.test.ts reads it too). */
  const cachedCollaboration = () => {
    const {
      environments: [environment],
      outdir,
    } = cachedExampleSynthesis('collaboration');
    return { environment, synthesis: readSynthesis(outdir, { command: 'test', flag: '--from', given: outdir }) };
  };

  test('is synthesized, checked with no errors and priced in full', () => {
    const { environment, synthesis: collab } = cachedCollaboration();
    expect(environment.components).toEqual({
      search: false,
      queues: ['rabbitmq', 'kafka'],
      regionMode: 'active-passive',
      pooler: { poolMode: 'transaction', maxConnectionsPercent: 75, idleClientTimeoutSeconds: 1800, clientConnectionsPerPod: 10, passwordVersion: 1 },
    });
    const result = checkSynthesis(collab);
    expect(result.findings.filter((f) => f.level === 'error').map((f) => `${f.stack} ${f.address} ${f.ruleId}: ${f.message}`)).toEqual([]);
    const clients = ['api', 'event-consumer', 'realtime', 'task-worker'];
    // PgBouncer in each region's cluster: the services' DATABASE_HOST, and the pooler's secrets owned by the primary region, replicated to the standby.
    for (const region of ['us-east-1', 'eu-west-1']) {
      const apps = collab.stacks.find((st) => st.name === `collab-prod-${region}-apps`)!;
      const deployments = Object.values(
        (apps.json.resource?.kubernetes_deployment_v1 ?? {}) as Record<string, { metadata: { name: string } | Array<{ name: string }> }>,
      );
      expect(deployments.map((d) => [d.metadata].flat()[0].name)).toContain('pgbouncer');
      expect(JSON.stringify(apps.json)).toContain('pgbouncer.product.svc.cluster.local');
      // Over TLS: each client connects with sslmode=require; PgBouncer's key is made in its pod, never in the JSON.
      const envOf = (name: string) => {
        const d = deployments.find((x) => [x.metadata].flat()[0].name === name);
        const env = readAll(d, 'spec.template.spec.container.env').flat() as Array<{ name: string; value?: string }>;
        return Object.fromEntries(env.map((e) => [e.name, e.value]));
      };
      for (const c of clients) expect([c, envOf(c).DATABASE_HOST, envOf(c).DATABASE_SSLMODE]).toEqual([c, 'pgbouncer.product.svc.cluster.local', 'require']);
      // The same user as with IAM logins, unique to the environment, so adding or removing the pooler keeps it.
      for (const c of clients) expect(envOf(c).DATABASE_USER).toBe(databaseUserName('collab-prod', c));
      expect(JSON.stringify(apps.json)).not.toMatch(/PRIVATE KEY/);
      expect(JSON.stringify(apps.json)).toContain('client_tls_sslmode = require');
    }
    const primaryStack = collab.stacks.find((st) => st.name === 'collab-prod-us-east-1')!;
    const secrets = Object.values(
      (primaryStack.json.resource?.aws_secretsmanager_secret ?? {}) as Record<string, { name: string; replica?: Array<{ region: string }> }>,
    );
    expect(secrets.filter((x) => x.name.includes('/postgres-')).map((x) => [x.name, x.replica?.map((r) => r.region)])).toEqual(
      clients.map((c) => [`collab-prod/us-east-1/postgres-${c}`, ['eu-west-1']]),
    );
    const standby = collab.stacks.find((st) => st.name === 'collab-prod-eu-west-1')!;
    expect(JSON.stringify(standby.json.resource?.aws_secretsmanager_secret ?? {})).not.toContain('/postgres-');

    // A broken pooler link fails the request-path rules, naming the link.
    const broken = (edit: (json: Record<string, unknown>) => Record<string, unknown>): Synthesis => ({
      ...collab,
      stacks: collab.stacks.map((st) =>
        st.name === 'collab-prod-us-east-1-apps' ? { ...st, json: edit(JSON.parse(JSON.stringify(st.json)) as Record<string, unknown>) } : st,
      ),
    });
    const errorsOf = (synthesis: Synthesis, rule: string) =>
      checkSynthesis(synthesis)
        .findings.filter((f) => f.level === 'error' && f.ruleId === rule && /service api[ ,]/.test(f.message))
        .map((f) => f.message);
    // The pooler's auth_file no longer names api's secret.
    const unlisted = broken((json) => JSON.parse(JSON.stringify(json).replace('"SECRET_ID_0"', '"SECRET_ID_UNUSED"')) as Record<string, unknown>);
    expect(errorsOf(unlisted, 'SC-REQ-3')).toEqual([
      `service api → database (stack collab-prod-us-east-1): the pgbouncer Deployment's auth_file does not list ${databaseUserName('collab-prod', 'api')} with its password secret`,
    ]);
    // Without its NetworkPolicy nothing admits the services to the pooler.
    const closed = broken((json) => {
      const policies = (json.resource as Record<string, Record<string, { metadata: unknown }>>).kubernetes_network_policy_v1;
      for (const [key, value] of Object.entries(policies))
        if ([value.metadata].flat()[0] && JSON.stringify(value.metadata).includes('"name":"pgbouncer"')) delete policies[key];
      return json;
    });
    expect(errorsOf(closed, 'SC-REQ-2')).toEqual([
      'NetworkPolicy ingress: no policy of pgbouncer admits api on port 6432 (service api, data store database, stack collab-prod-us-east-1-apps)',
    ]);
    const [sizedCollab] = sizeEnvironments([environment]);
    expect(sizedCollab.blueprint.postgres?.readReplicas).toBe(5);
    const cost = priceSizedEnvironment(
      sizedCollab,
      collab.stacks.map((s) => ({ name: s.name, json: s.json })),
    );
    expect(cost.stacks.flatMap((s) => s.unpriced.map((u) => u.address))).toEqual([]);
    // Both regions run the shards' clusters; the standby region costs about what the primary does.
    const [primary, secondary] = ['collab-prod-us-east-1', 'collab-prod-eu-west-1'].map((n) => cost.stacks.find((s) => s.stack === n)!.monthlyUsd);
    expect(secondary / primary).toBeGreaterThan(0.8);
    expect(secondary / primary).toBeLessThan(1.3);
  }, 300_000);

  test("raising pooler.passwordVersion rotates every service's pooler password: new secret values, the Job again, the pooler and the clients restarted", () => {
    const root = COLLABORATION_ROOT;
    const catalog = loadServiceCatalog(join(root, 'services'), root);
    const yaml = readFileSync(join(root, 'environments', 'production.yaml'), 'utf8');
    const at = (version: number | undefined) => {
      const text = version === undefined ? yaml : yaml.replace('    pooler: true\n', `    pooler: { passwordVersion: ${version} }\n`);
      if (version !== undefined) expect(text).not.toBe(yaml);
      const synthesis = version === undefined ? cachedCollaboration().synthesis : synthesized([parsed(text, 'environments/production.yaml', catalog)]);
      const stack = (name: string) => synthesis.stacks.find((st) => st.name === name)!.json;
      const resources = (name: string, type: string) => Object.values((stack(name).resource?.[type] ?? {}) as Record<string, Record<string, unknown>>);
      const nameOf = (r: Record<string, unknown>) => (readAll(r, 'metadata.name')[0] as string) ?? '';
      const versions = resources('collab-prod-us-east-1', 'aws_secretsmanager_secret_version')
        .filter((v) => String(v.secret_id).includes('postgres-user-'))
        .map((v) => v.secret_string_wo_version);
      const job = resources('collab-prod-us-east-1-apps', 'kubernetes_job_v1')
        .map(nameOf)
        .find((n) => n.startsWith('database-users-'));
      const deployments = ['collab-prod-us-east-1-apps', 'collab-prod-eu-west-1-apps'].flatMap((st) => resources(st, 'kubernetes_deployment_v1'));
      const pooler = deployments.filter((d) => nameOf(d) === 'pgbouncer').map((d) => readAll(d, 'spec.template.metadata.annotations')[0]);
      const api = deployments
        .filter((d) => nameOf(d) === 'api')
        .map(
          (d) =>
            (readAll(d, 'spec.template.spec.container.env').flat() as Array<{ name: string; value?: string }>).find(
              (e) => e.name === 'DATABASE_PASSWORD_VERSION',
            )?.value,
        );
      return { versions, job, pooler, api };
    };
    const before = at(undefined);
    const after = at(2);
    // The four clients' password secrets, written again by the write-only argument's new version.
    expect([before.versions, after.versions]).toEqual([
      [1, 1, 1, 1],
      [2, 2, 2, 2],
    ]);
    expect(after.job).not.toBe(before.job);
    expect(before.pooler).toEqual([{ 'stagecraft.io/password-version': '1' }, { 'stagecraft.io/password-version': '1' }]);
    expect(after.pooler).toEqual([{ 'stagecraft.io/password-version': '2' }, { 'stagecraft.io/password-version': '2' }]);
    expect([before.api, after.api]).toEqual([
      ['1', '1'],
      ['2', '2'],
    ]);
    // Version 1 written out is the default: nothing changes.
    expect(at(1)).toEqual(before);
  }, 300_000);
});

describe('the CLI refuses a combination that cannot work with exit 2', () => {
  test('active-active on Postgres', async () => {
    const root = mkdtempSync(join(tmpdir(), 'stagecraft-components-cli-'));
    writeFileSync(
      join(root, 'prod.yaml'),
      'name: acme-prod\nstage: growth\nregions: [us-east-1, us-west-2]\ndomain: example.com\ncomponents:\n  regions: { mode: active-active }\n',
    );
    const result = await run(root, 'synth', '--env', join(root, 'prod.yaml'), '--services', join(EXAMPLES_ROOT, 'services'), '--out', join(root, 'out'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'components.regions.mode: active-active needs a data store every region can write to; Postgres has one writer (the primary region)',
    );
  });
});
