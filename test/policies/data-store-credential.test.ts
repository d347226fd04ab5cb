/**
 * DataStoreCredential (SC-REQ-20): every service's credential at every store it declares. A
 * compliant and a non-compliant fixture per link, then the example synthesis itself: every
 * cluster stage passes, and removing one credential from it (an IAM statement, the domain
 * policy's admission, the users Job) fails naming the service, the store, the link and the stack.
 */
import { DataStoreCredential } from '../../policies/rules/request-path/DataStoreCredential';
import { StackOutcome } from '../../policies/types';
import { readSynthesis } from '../../synthesis/read';
import { stackViews, Synthesis } from '../../synthesis/stack-views';
import { synthesizeExamples } from '../helpers/examples';
import { evaluate, Fixture, Resources } from './fixtures';
import { typedResourcesNamed } from '../helpers/kubernetes-typed';

const manifest = (name: string, object: Record<string, unknown>) => typedResourcesNamed({ [name]: object });
const deployment = (env: Record<string, string>, volumes: Array<Record<string, unknown>> = []) =>
  manifest('api', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: 'product' },
    spec: {
      template: {
        spec: {
          serviceAccountName: 'api',
          containers: [{ name: 'api', env: Object.entries(env).map(([name, value]) => ({ name, value })) }],
          volumes,
        },
      },
    },
  });
const usersJob = (sql: string) =>
  manifest('users', {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'database-users-1a2b3c4d', namespace: 'operations' },
    spec: { template: { spec: { containers: [{ name: 'database-users', env: [{ name: 'DATABASE_USERS_SQL', value: sql }] }] } } },
  });

const CONNECT = { Effect: 'Allow', Action: 'rds-db:connect', Resource: ['arn:aws:rds-db:us-east-1:111122223333:dbuser:${aws_db_instance.db.resource_id}/api'] };
const READ_TOKEN = {
  Effect: 'Allow',
  Action: ['elasticache:Connect'],
  Resource: ['${aws_elasticache_replication_group.redis.arn}', '${aws_elasticache_user.app.arn}'],
};
const regional = (statements: object[]): Resources => ({
  aws_db_instance: { db: { engine: 'postgres' } },
  aws_secretsmanager_secret: { redis: { name: 'redis-auth' } },
  aws_iam_role: { api: { name: 'fx-api' } },
  aws_eks_pod_identity_association: { api: { namespace: 'product', service_account: 'api', role_arn: '${aws_iam_role.api.arn}' } },
  aws_iam_role_policy: { api: { role: '${aws_iam_role.api.id}', policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) } },
});
const ENV = { DATABASE_HOST: 'db.internal', DATABASE_USER: 'api', REDIS_HOST: 'redis.internal', REDIS_AUTH: 'iam', REDIS_USER: 'app' };
const fixture = (statements: object[], apps: Resources): Fixture => ({ resources: regional(statements), otherRegions: { 'us-east-1-apps': apps } });
const compliantApps = (): Resources => ({ ...deployment(ENV), ...usersJob('CREATE ROLE "api" WITH LOGIN;') });
const problems = <T extends { status: string }>(outcomes: readonly T[]): T[] => outcomes.filter((o) => o.status !== 'compliant');

describe('DataStoreCredential on fixtures', () => {
  it('passes a service with its own database user and Redis user (IAM)', () => {
    const outcomes = evaluate(DataStoreCredential, fixture([CONNECT, READ_TOKEN], compliantApps()));
    expect(outcomes.map((o) => o.status)).toEqual(['compliant', 'compliant']);
  });

  it('fails a service whose role may not connect as its database user', () => {
    expect(problems(evaluate(DataStoreCredential, fixture([READ_TOKEN], compliantApps())))).toEqual([
      expect.objectContaining({
        status: 'non-compliant',
        message: 'service api → database (stack fx-us-east-1): its role may not rds-db:connect as api on aws_db_instance.db',
      }),
    ]);
  });

  it('checks a scheduled service (a CronJob) like a Deployment', () => {
    const cronJob = (env: Record<string, string>) =>
      manifest('nightly', {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'api', namespace: 'product' },
        spec: {
          schedule: '0 3 * * *',
          jobTemplate: {
            spec: {
              template: {
                spec: { serviceAccountName: 'api', containers: [{ name: 'api', env: Object.entries(env).map(([name, value]) => ({ name, value })) }] },
              },
            },
          },
        },
      });
    const apps = { ...cronJob({ DATABASE_HOST: 'db.internal', DATABASE_USER: 'api' }), ...usersJob('CREATE ROLE "api" WITH LOGIN;') };
    expect(evaluate(DataStoreCredential, fixture([CONNECT], apps)).map((o) => o.status)).toEqual(['compliant']);
    expect(problems(evaluate(DataStoreCredential, fixture([READ_TOKEN], apps)))).toEqual([
      expect.objectContaining({
        status: 'non-compliant',
        message: 'service api → database (stack fx-us-east-1): its role may not rds-db:connect as api on aws_db_instance.db',
      }),
    ]);
  });

  it('fails a service whose user no Job creates', () => {
    const apps = { ...deployment(ENV), ...usersJob('CREATE ROLE "other" WITH LOGIN;') };
    expect(problems(evaluate(DataStoreCredential, fixture([CONNECT, READ_TOKEN], apps)))).toEqual([
      expect.objectContaining({ message: 'service api → database (stack fx-us-east-1): no database-users Job in fx-us-east-1-apps creates the user api' }),
    ]);
  });

  it('fails a service that is handed the master secret', () => {
    const apps = { ...deployment({ ...ENV, DATABASE_SECRET_ARN: 'arn:master' }), ...usersJob('CREATE ROLE "api";') };
    expect(problems(evaluate(DataStoreCredential, fixture([CONNECT, READ_TOKEN], apps)))[0]).toMatchObject({
      message:
        'service api → database (stack fx-us-east-1): its environment names the master user secret (DATABASE_SECRET_ARN); it must log in as its own user',
    });
  });

  it('fails a service whose role may not connect to Redis as its IAM user', () => {
    expect(problems(evaluate(DataStoreCredential, fixture([CONNECT], compliantApps())))).toEqual([
      expect.objectContaining({
        message: 'service api → redis (stack fx-us-east-1): its role may not elasticache:Connect to the replication group as its user',
      }),
    ]);
  });

  it('fails every store of a service without a Pod Identity role', () => {
    const resources = regional([CONNECT, READ_TOKEN]);
    delete resources.aws_eks_pod_identity_association;
    const outcomes = evaluate(DataStoreCredential, { resources, otherRegions: { 'us-east-1-apps': compliantApps() } });
    expect(outcomes.map((o) => (o.status === 'non-compliant' ? o.message : o.status))).toEqual([
      'service api → database (stack fx-us-east-1): no Pod Identity association gives service account product/api an IAM role',
      'service api → redis (stack fx-us-east-1): no Pod Identity association gives service account product/api an IAM role',
    ]);
  });

  it('cannot evaluate a policy it cannot read, and does not pass it', () => {
    const resources = regional([]);
    resources.aws_iam_role_policy.api.policy = '${data.aws_iam_policy_document.x.json}';
    const outcomes = evaluate(DataStoreCredential, { resources, otherRegions: { 'us-east-1-apps': compliantApps() } });
    expect(outcomes.map((o) => o.status)).toEqual(['could-not-evaluate', 'could-not-evaluate']);
  });

  describe('the R2 buckets', () => {
    const R2_SECRET = { r2: { name: 'fx/r2-writer', tags: { 'stagecraft:r2-writer': 'true' } } };
    const READ_R2 = { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: ['${aws_secretsmanager_secret.r2.arn}'] };
    /** api pointed at both R2 buckets; `delivered` adds the fetch-secrets init container and R2_WRITER_FILE. */
    const r2Apps = (delivered: boolean): Resources =>
      manifest('api', {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'api', namespace: 'product' },
        spec: {
          template: {
            spec: {
              serviceAccountName: 'api',
              ...(delivered ? { initContainers: [{ name: 'fetch-secrets', env: [{ name: 'SECRET_ARN_0', value: 'arn:r2' }] }] } : {}),
              containers: [
                {
                  name: 'api',
                  env: [
                    { name: 'ASSETS_R2_BUCKET', value: 'fx-assets' },
                    { name: 'ARCHIVE_R2_BUCKET', value: 'fx-archive' },
                    ...(delivered ? [{ name: 'R2_WRITER_FILE', value: '/run/secrets/R2_WRITER' }] : []),
                  ],
                },
              ],
            },
          },
        },
      });
    const r2Fixture = (statements: object[], delivered: boolean): Fixture => {
      const resources = regional(statements);
      delete resources.aws_db_instance;
      resources.aws_secretsmanager_secret = R2_SECRET;
      return { resources, otherRegions: { 'us-east-1-apps': r2Apps(delivered) } };
    };

    it('passes a service given the R2 writer credential its role may read', () => {
      expect(evaluate(DataStoreCredential, r2Fixture([READ_R2], true)).map((o) => o.status)).toEqual(['compliant', 'compliant']);
    });

    it('fails a service pointed at the R2 buckets without the credential secret delivered', () => {
      expect(problems(evaluate(DataStoreCredential, r2Fixture([READ_R2], false))).map((o) => (o.status === 'non-compliant' ? o.message : o.status))).toEqual([
        'service api → r2Assets (stack fx-us-east-1): no R2_WRITER_FILE: it is given no R2 writer credential',
        'service api → r2Archive (stack fx-us-east-1): no R2_WRITER_FILE: it is given no R2 writer credential',
      ]);
    });

    it('fails a service whose role may not read the R2 writer credential', () => {
      expect(problems(evaluate(DataStoreCredential, r2Fixture([], true))).map((o) => (o.status === 'non-compliant' ? o.message : o.status))).toEqual([
        'service api → r2Assets (stack fx-us-east-1): its role may not read the R2 writer credential aws_secretsmanager_secret.r2 (secretsmanager:GetSecretValue)',
        'service api → r2Archive (stack fx-us-east-1): its role may not read the R2 writer credential aws_secretsmanager_secret.r2 (secretsmanager:GetSecretValue)',
      ]);
    });
  });

  it('does not apply to a stack without an apps stack (services on hosts)', () => {
    expect(evaluate(DataStoreCredential, { resources: regional([]) })).toEqual([
      { status: 'not-applicable', reason: "no fx-us-east-1-apps stack: services run on hosts, with the host's role" },
    ]);
  });
});

describe('DataStoreCredential on the example synthesis', () => {
  let synthesis: Synthesis;
  beforeAll(() => {
    const examples = synthesizeExamples();
    synthesis = readSynthesis(examples.outdir, { command: 'test', flag: '--out', given: 'examples' });
  });

  const outcomesOf = (s: Synthesis, stackName: string): readonly StackOutcome[] =>
    DataStoreCredential.evaluate(stackViews(s).find((v) => v.name === stackName)!);
  /** The synthesis with `change` applied to one stack's JSON (a deep copy). */
  const changed = (stackName: string, change: (json: { resource: Record<string, Record<string, Record<string, unknown>>> }) => void): Synthesis => ({
    ...synthesis,
    stacks: synthesis.stacks.map((s) => {
      if (s.name !== stackName) return s;
      const json = JSON.parse(JSON.stringify(s.json));
      change(json);
      return { ...s, json };
    }),
  });
  const policyOf = (json: { resource: Record<string, Record<string, Record<string, unknown>>> }, service: string) =>
    Object.entries(json.resource.aws_iam_role_policy).find(([name]) => name.startsWith(`service-${service}_data-stores`))![1];
  const dropStatements = (sid: RegExp) => (policy: Record<string, unknown>) => {
    const document = JSON.parse(String(policy.policy));
    document.Statement = document.Statement.filter((s: { Sid?: string }) => !sid.test(s.Sid ?? ''));
    policy.policy = JSON.stringify(document);
  };

  it('passes every service and store of every cluster stage, and evaluates all of them', () => {
    const views = stackViews(synthesis).filter((v) => v.region !== undefined);
    const outcomes = views.flatMap((v) => DataStoreCredential.evaluate(v).map((o) => ({ stack: v.name, ...o })));
    expect(outcomes.filter((o) => o.status !== 'compliant' && o.status !== 'not-applicable')).toEqual([]);
    const evaluated = new Set(outcomes.filter((o) => o.status === 'compliant').map((o) => o.stack));
    expect([...evaluated].sort()).toEqual([
      'acme-growth-us-east-1',
      'acme-hyperscale-us-east-1',
      'acme-massive-ap-northeast-1',
      'acme-massive-eu-west-1',
      'acme-massive-us-east-1',
      'acme-scale-us-west-2',
    ]);
    // Six services on growth; the stores they declare: 2 + 3 + 2 + 2 + 4 + 2, and the assets R2 bucket of the three that declare objectStorage.
    expect(outcomesOf(synthesis, 'acme-growth-us-east-1')).toHaveLength(15 + 3);
  });

  it('fails massive when analytics-worker loses its MSK actions', () => {
    const broken = changed('acme-massive-us-east-1', (json) => dropStatements(/Cluster|Topics|Group/)(policyOf(json, 'analytics-worker')));
    expect(problems(outcomesOf(broken, 'acme-massive-us-east-1'))).toEqual([
      expect.objectContaining({
        status: 'non-compliant',
        message:
          'service analytics-worker → queue (stack acme-massive-us-east-1): its role may not kafka-cluster:Connect to the MSK cluster (IAM is the only way in)',
      }),
    ]);
  });

  it('fails growth when moderation-worker loses its database user or the domain policy stops admitting it', () => {
    const noUser = changed('acme-growth-us-east-1', (json) => dropStatements(/ConnectAsItsDatabaseUser/)(policyOf(json, 'moderation-worker')));
    expect(problems(outcomesOf(noUser, 'acme-growth-us-east-1')).map((o) => (o.status === 'non-compliant' ? o.message : o.status))).toEqual([
      expect.stringMatching(
        /^service moderation-worker → database \(stack acme-growth-us-east-1\): its role may not rds-db:connect as moderation-worker on aws_db_instance\.postgres_primary_/,
      ),
    ]);
    const notAdmitted = changed('acme-growth-us-east-1', (json) => {
      for (const policy of Object.values(json.resource.aws_opensearch_domain_policy)) {
        policy.access_policies = String(policy.access_policies).replace(/, \{"Sid" = "ServiceRoles"[^]*\}\]\}\)\}$/, ']})}');
      }
    });
    expect(problems(outcomesOf(notAdmitted, 'acme-growth-us-east-1'))).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(
          /^service moderation-worker → search \(stack acme-growth-us-east-1\): the domain policy does not admit its role aws_iam_role\.service-moderation-worker_role_/,
        ),
      }),
    ]);
  });

  it('fails hyperscale when archive-worker loses the R2 writer credential from its pods', () => {
    const broken = changed('acme-hyperscale-us-east-1-apps', (json) => {
      const [, deployment] = Object.entries(json.resource.kubernetes_deployment_v1).find(([name]) => name.startsWith('service-archive-worker'))!;
      const text = JSON.stringify(deployment).replace(/"R2_WRITER_FILE"/g, '"ANOTHER_FILE"');
      Object.assign(deployment, JSON.parse(text));
    });
    expect(problems(outcomesOf(broken, 'acme-hyperscale-us-east-1')).map((o) => (o.status === 'non-compliant' ? o.message : o.status))).toEqual([
      'service archive-worker → r2Assets (stack acme-hyperscale-us-east-1): no R2_WRITER_FILE: it is given no R2 writer credential',
      'service archive-worker → r2Archive (stack acme-hyperscale-us-east-1): no R2_WRITER_FILE: it is given no R2 writer credential',
    ]);
  });

  it('fails massive when a service mounts a certificate Secret the signing Job does not write', () => {
    const rename = (value: unknown): unknown => {
      if (value === 'cockroachdb-client-api') return 'cockroachdb-client-elsewhere';
      if (Array.isArray(value)) return value.map(rename);
      if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rename(v)]));
      return value;
    };
    const broken = changed('acme-massive-eu-west-1-apps', (json) => {
      json.resource = rename(json.resource) as typeof json.resource;
    });
    expect(problems(outcomesOf(broken, 'acme-massive-eu-west-1'))).toEqual([
      expect.objectContaining({
        status: 'non-compliant',
        message:
          'service api → database (stack acme-massive-eu-west-1): its pods mount no client certificate Secret that the cockroachdb-client-certs Job writes for api',
      }),
    ]);
  });
});
