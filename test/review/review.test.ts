/**
 * The review of two syntheses: a base synthesis of the example environments, a head copy with
 * known mutations applied to its JSON, and the report's classification of each mutation. The
 * Markdown report of the mutation set is kept as a snapshot, for review.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../cli/main';
import { Io } from '../../cli/command';
import { readSynthesis } from '../../synthesis/read';
import { catalogCostEstimator } from '../../review/catalog-cost';
import { diffSyntheses, nameSensitivity } from '../../review/diff';
import { priceStack } from '../../cost/estimate';
import { renderMarkdown } from '../../review/markdown';
import { buildReport, reportJson } from '../../review/report';
import { Report, ResourceChange } from '../../review/types';
import { ExampleSynthesis, synthesizeExamples, EXAMPLES_ROOT } from '../helpers/examples';

type StackJson = { resource: Record<string, Record<string, Record<string, unknown>>> };

const GROWTH = 'acme-growth-us-east-1';
const TRACTION = 'acme-traction-eu-west-1';
const OPEN_RULE = 'aws_vpc_security_group_ingress_rule.postgres_from_anywhere';
let examples: ExampleSynthesis;
/** Addresses found by construct path (`<stack>/postgres/primary`), not by hashed logical id. */
let PRIMARY: string;
let REPLICA: string;
let REDIS: string;
let ASSETS_ENCRYPTION: string;
let ASSETS_BUCKET: string;
let BROKER: string;
let DATABASE_GROUP: string;
let baseDir: string;
let headDir: string;
let report: Report;

/** Changes the JSON of one stack of the head copy. */
function mutate(stack: string, edit: (json: StackJson) => void): void {
  const file = join(headDir, 'stacks', stack, 'cdk.tf.json');
  const json = JSON.parse(readFileSync(file, 'utf8')) as StackJson;
  edit(json);
  writeFileSync(file, JSON.stringify(json, null, 2));
}

const resource = (json: StackJson, address: string) => {
  const [type, name] = address.split('.');
  return json.resource[type][name];
};

/** `type.name` of the resource of `type` whose construct path is `<stack>/<path>`, in the base synthesis. */
function addressOf(stack: string, type: string, path: string): string {
  const entry = Object.entries(examples.stack(stack).resource?.[type] ?? {}).find(
    ([, body]) => (body['//'] as { metadata?: { path?: string } } | undefined)?.metadata?.path === `${stack}/${path}`,
  );
  if (!entry) throw new Error(`no ${type} at ${stack}/${path}`);
  return `${type}.${entry[0]}`;
}

beforeAll(() => {
  examples = synthesizeExamples();
  baseDir = examples.outdir;
  PRIMARY = addressOf(GROWTH, 'aws_db_instance', 'postgres/primary');
  if (addressOf(TRACTION, 'aws_db_instance', 'postgres/primary') !== PRIMARY) throw new Error('the primaries differ in address');
  REPLICA = addressOf(GROWTH, 'aws_db_instance', 'postgres/replica-0');
  REDIS = addressOf(TRACTION, 'aws_elasticache_replication_group', 'redis/replication-group');
  ASSETS_ENCRYPTION = addressOf(GROWTH, 'aws_s3_bucket_server_side_encryption_configuration', 'assets/encryption');
  ASSETS_BUCKET = addressOf(GROWTH, 'aws_s3_bucket', 'assets/bucket');
  BROKER = addressOf(GROWTH, 'aws_mq_broker', 'rabbitmq/broker');
  DATABASE_GROUP = addressOf(GROWTH, 'aws_security_group', 'postgres/security-group');
  headDir = join(mkdtempSync(join(tmpdir(), 'stagecraft-review-head-')), 'cdktf.out');
  cpSync(baseDir, headDir, { recursive: true });

  // 1. A bigger instance class for traction's database.
  mutate(TRACTION, (json) => (resource(json, PRIMARY).instance_class = 'db.r6g.xlarge'));
  // 2. Traction's Redis removed.
  mutate(TRACTION, (json) => delete json.resource.aws_elasticache_replication_group);
  // 3. A new engine version for growth's primary.
  mutate(GROWTH, (json) => (resource(json, PRIMARY).engine_version = '17'));
  // 4. Growth's database security group opened to the internet.
  mutate(GROWTH, (json) => {
    json.resource.aws_vpc_security_group_ingress_rule.postgres_from_anywhere = {
      security_group_id: `\${${DATABASE_GROUP}.id}`,
      cidr_ipv4: '0.0.0.0/0',
      ip_protocol: 'tcp',
      from_port: 5432,
      to_port: 5432,
      description: 'debugging',
    };
  });
  // 5. Encryption dropped: growth's read replica unencrypted, the assets bucket without default encryption.
  mutate(GROWTH, (json) => {
    resource(json, REPLICA).storage_encrypted = false;
    delete json.resource.aws_s3_bucket_server_side_encryption_configuration[ASSETS_ENCRYPTION.split('.')[1]];
  });
  // And a secret: the RabbitMQ admin password written into the code.
  mutate(GROWTH, (json) => ((resource(json, BROKER).user as Array<Record<string, unknown>>)[0].password = 'hunter2-in-clear'));

  const origin = { command: 'test', flag: '--base', given: 'base' };
  const base = readSynthesis(baseDir, origin, 'base');
  const head = readSynthesis(headDir, { ...origin, flag: '--head', given: 'head' }, 'head');
  report = buildReport({
    mode: 'syntheses',
    base: 'base',
    head: 'head',
    stacks: diffSyntheses(base, head),
    headSynthesis: head,
    baseSynthesis: base,
    cost: catalogCostEstimator(),
  });
});

afterAll(() => rmSync(join(headDir, '..'), { recursive: true, force: true }));

const change = (stack: string, address: string): ResourceChange => {
  const found = report.stacks.find((s) => s.stack === stack)?.changes.find((c) => c.address === address);
  if (!found) throw new Error(`no change to ${address} in ${stack}`);
  return found;
};

describe('classification of known mutations', () => {
  it('changes only the two mutated stacks', () => {
    expect(report.stacks.map((s) => s.stack)).toEqual([GROWTH, TRACTION]);
    expect(report.summary).toEqual({
      create: 1,
      update: 3,
      replace: 1,
      delete: 2,
      stacksChanged: 2,
      dataLoss: 2,
      refused: 3,
      downtime: 1,
      security: 4,
      findings: 7,
    });
    expect(report.applyRisks.map((r) => [r.stack, r.address, r.kind, r.path])).toEqual([
      [GROWTH, PRIMARY, 'refused', 'engine_version'],
      [GROWTH, REPLICA, 'refused', undefined],
      [TRACTION, PRIMARY, 'downtime', 'instance_class'],
      [TRACTION, REDIS, 'refused', undefined],
    ]);
  });

  it("an instance class change is an in-place update with downtime (traction's database is single-AZ), not a data-loss risk", () => {
    expect(change(TRACTION, PRIMARY)).toMatchObject({
      action: 'update',
      attributes: [
        {
          path: 'instance_class',
          before: 'db.t4g.large',
          after: 'db.r6g.xlarge',
          sensitive: false,
          forcesReplacement: false,
          verdict: 'in-place-downtime',
          verdictReason: 'a single-AZ instance is unavailable while RDS changes its class (typically several minutes)',
        },
      ],
    });
    expect(report.dataLoss.map((d) => d.address)).not.toContain(PRIMARY);
  });

  it('a removed Redis cluster is a destroy in the data-loss section', () => {
    expect(change(TRACTION, REDIS).action).toBe('delete');
    expect(report.dataLoss).toContainEqual({
      stack: TRACTION,
      address: REDIS,
      type: 'aws_elasticache_replication_group',
      kind: 'destroy',
      message: 'destroyed: Redis data lost (prevent_destroy is set: Terraform refuses to plan this until the code removes it)',
    });
  });

  it('a major engine version change without allow_major_version_upgrade is an update AWS refuses at apply', () => {
    expect(change(GROWTH, PRIMARY)).toMatchObject({
      action: 'update',
      attributes: [
        {
          path: 'engine_version',
          before: '16',
          after: '17',
          forcesReplacement: false,
          verdict: 'refused',
          verdictReason: 'a major version upgrade (16 → 17) without allow_major_version_upgrade = true: RDS refuses it at apply',
        },
      ],
    });
  });

  it('an ingress rule open to 0.0.0.0/0 is a security entry (public exposure)', () => {
    expect(change(GROWTH, OPEN_RULE).action).toBe('create');
    expect(report.security).toContainEqual({
      stack: GROWTH,
      address: OPEN_RULE,
      type: 'aws_vpc_security_group_ingress_rule',
      action: 'create',
      category: 'public-exposure',
      message: 'added: ingress from 0.0.0.0/0 on tcp port 5432: open to the internet',
    });
  });

  it('dropping storage encryption replaces the database: data loss and an encryption entry', () => {
    expect(change(GROWTH, REPLICA)).toMatchObject({
      action: 'replace',
      replacedBecause: 'force-new-table',
      attributes: [{ path: 'storage_encrypted', before: true, after: false, forcesReplacement: true }],
    });
    expect(report.dataLoss).toContainEqual(
      expect.objectContaining({ address: REPLICA, kind: 'replace', message: expect.stringMatching(/^replaced because storage_encrypted changed/) }),
    );
    expect(report.security).toContainEqual(
      expect.objectContaining({ address: REPLICA, category: 'encryption', message: 'replaced: storage_encrypted: true → false' }),
    );
  });

  it("removing a bucket's default encryption is an encryption entry, not data loss", () => {
    expect(change(GROWTH, ASSETS_ENCRYPTION).action).toBe('delete');
    expect(report.security).toContainEqual(expect.objectContaining({ address: ASSETS_ENCRYPTION, category: 'encryption', action: 'delete' }));
    expect(report.dataLoss.map((d) => d.address)).not.toContain(ASSETS_ENCRYPTION);
  });

  it('masks a password by its name, and still reports that it changed', () => {
    expect(change(GROWTH, BROKER)).toMatchObject({
      action: 'update',
      attributes: [{ path: 'user.password', before: '(sensitive)', after: '(sensitive)', sensitive: true }],
    });
    expect(report.security).toContainEqual(
      expect.objectContaining({ address: BROKER, category: 'iam', message: 'changed: user.password: (sensitive) → (sensitive)' }),
    );
    expect(JSON.stringify(reportJson(report))).not.toContain('hunter2');
    expect(renderMarkdown(report)).not.toContain('hunter2');
  });

  it('lists the guardrail findings the mutations cause on the head', () => {
    expect(report.findings?.map((f) => `${f.ruleId} ${f.address}`).sort()).toEqual([
      `SC-EAR-1 ${REPLICA}`,
      // The broker no longer logs in with the generated admin password, which then sits in state for nothing.
      `SC-EAR-18 ${addressOf(GROWTH, 'aws_secretsmanager_secret_version', 'rabbitmq/admin-password/value')}`,
      `SC-EAR-4 ${ASSETS_BUCKET}`,
      `SC-PUB-1 ${OPEN_RULE}`,
      // Traction's Redis removed while api, delivery-worker and websocket-gateway still declare it: the host
      // role's elasticache:Connect names a replication group by its id (constructs/shared/arn.ts) that no longer exists.
      ...Array.from({ length: 3 }, () => `SC-REQ-3 ${addressOf(TRACTION, 'aws_s3_object', 'release/compose.yaml')}`),
    ]);
  });

  it('prices the difference with the catalog: a bigger database, no Redis', () => {
    const price = (type: string, name: string, args: Record<string, unknown>) => {
      const json = { provider: { aws: [{ region: 'eu-west-1' }] }, resource: { [type]: { [name]: args } } };
      return priceStack('x', json).monthlyUsd;
    };
    const before = examples.stack(TRACTION).resource as Record<string, Record<string, Record<string, unknown>>>;
    const [type, name] = PRIMARY.split('.');
    const database = before[type][name];
    const [redisType, redisName] = REDIS.split('.');
    const expected =
      price(type, name, { ...database, instance_class: 'db.r6g.xlarge' }) -
      price(type, name, database) -
      price(redisType, redisName, before[redisType][redisName]);
    expect(report.cost).toMatchObject({ currency: 'USD', unpriced: [], lines: [{ label: TRACTION }] });
    expect(report.cost?.monthlyDelta).toBeCloseTo(expected, 1);
    expect(report.cost?.monthlyAfter).toBeCloseTo((report.cost?.monthlyBefore ?? 0) + expected, 1);
  });

  it('leaves a resource the catalog cannot price out of both totals, and names it', () => {
    const base = readSynthesis(baseDir, { command: 'test', flag: '--base', given: 'base' }, 'base');
    const head = structuredClone(base);
    const stack = head.stacks.find((s) => s.name === TRACTION) as unknown as { json: StackJson };
    resource(stack.json, PRIMARY).instance_class = 'db.x2iedn.32xlarge';
    const cost = catalogCostEstimator().estimate(base, head);
    expect(cost.monthlyDelta).toBe(0);
    expect(cost.unpriced).toEqual([`${TRACTION}: ${PRIMARY}: the catalog has no rds.postgres price for "db.x2iedn.32xlarge"`]);
  });

  it('has no cost section without an estimator, and says why', () => {
    const bare = buildReport({ mode: 'syntheses', base: 'base', head: 'head', stacks: report.stacks, headSynthesis: null });
    expect(bare.cost).toBeNull();
    expect(bare.costNote).toBe('not available (no cost estimator given)');
    expect((reportJson(bare) as { cost: unknown }).cost).toBeNull();
  });

  it('renders the Markdown report (snapshot, for review)', () => {
    const markdown = renderMarkdown(report);
    expect(markdown.split('\n')[0]).toBe('## Stagecraft review: 1 to add, 3 to change, 1 to replace, 2 to destroy in 2 stacks');
    expect(markdown.indexOf('### Data loss')).toBeLessThan(markdown.indexOf('### Security'));
    expect(markdown).toContain(`- **\`${TRACTION}\` \`${REDIS}\`: destroyed: Redis data lost`);
    expect(markdown).toMatchSnapshot();
  });
});

describe('masking', () => {
  it('masks secrets by argument name, but not references, flags or ids', () => {
    const test = nameSensitivity(new Set(['db_password']));
    expect(['auth_token', 'user.password', 'secret_string', 'user[1].password', 'api_token', 'private_key'].map((p) => test(p, 'x'))).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['master_user_secret_kms_key_id', 'secret_id', 'metadata_options.http_tokens', 'manage_master_user_password'].map((p) => test(p, 'x'))).toEqual([
      false,
      false,
      false,
      true,
    ]);
    expect(test('manage_master_user_password', true)).toBe(false);
    expect(test('environment.DATABASE_URL', '${data.terraform_remote_state.db.outputs.db_password}')).toBe(true);
  });
});

describe('stagecraft review --base --head (directories)', () => {
  async function run(...argv: string[]) {
    let stdout = '';
    let stderr = '';
    const io: Io = { out: (t) => (stdout += t), err: (t) => (stderr += t), cwd: EXAMPLES_ROOT };
    return { code: await runCli(argv, io), stdout, stderr };
  }

  it('exits 1 when something changes and 0 when nothing does', async () => {
    const changed = await run('review', '--base', baseDir, '--head', headDir, '--format', 'json');
    expect(changed.code).toBe(1);
    expect(JSON.parse(changed.stdout).summary.replace).toBe(1);
    const same = await run('review', '--base', baseDir, '--head', baseDir);
    expect(same.code).toBe(0);
    expect(same.stdout.split('\n')[0]).toBe('## Stagecraft review: no changes');
  });

  it('exits 3 when a --fail-on section has entries', async () => {
    expect((await run('review', '--base', baseDir, '--head', headDir, '--fail-on', 'data-loss')).code).toBe(3);
    expect((await run('review', '--base', baseDir, '--head', headDir, '--fail-on', 'security,data-loss')).code).toBe(3);
    expect((await run('review', '--base', baseDir, '--head', baseDir, '--fail-on', 'data-loss,security')).code).toBe(0);
  });
});
