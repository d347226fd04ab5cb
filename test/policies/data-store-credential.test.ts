/**
 * DataStoreCredential (SC-REQ-20): every service's credential at every store it declares. A
 * compliant and a non-compliant fixture per link, then the example synthesis itself: every
 * cluster stage passes, and removing one credential from it (an IAM statement, the domain
 * policy's admission, the users Job) fails naming the service, the store, the link and the stack.
 */
import { DataStoreCredential } from '../../policies/rules/request-path/DataStoreCredential';
import { databaseUserName } from '../../config/database-user';
import { StateSecretOnlyForBrokerAdmin } from '../../policies/rules/encryption-at-rest/StateSecretOnlyForBrokerAdmin';
import { StackOutcome } from '../../policies/types';
import { readSynthesis } from '../../synthesis/read';
import { stackViews, Synthesis } from '../../synthesis/stack-views';
import { PROJECT_ROOT, synthesizeExamples } from '../helpers/examples';
import { evaluate, Fixture, fixtureSynthesis, Resources } from './fixtures';
import { typedResourcesNamed } from '../helpers/kubernetes-typed';
import { stringify } from 'yaml';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnvironments } from '../../config/load';
import { checkSynthesis } from '../../policies/engine';
import { synthesizeEnvironments } from '../../stacks/synthesize';

const manifest = (name: string, object: Record<string, unknown>) => typedResourcesNamed({ [name]: object });
const deployment = (env: Record<string, string>, volumes: Array<Record<string, unknown>> = [], initContainers: Array<Record<string, unknown>> = []) =>
  manifest('api', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: 'product' },
    spec: {
      template: {
        spec: {
          serviceAccountName: 'api',
          ...(initContainers.length > 0 ? { initContainers } : {}),
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

  it('fails a service whose role may connect to the primary but not to its read replica', () => {
    const resources = regional([CONNECT, READ_TOKEN]);
    resources.aws_db_instance.replica = { replicate_source_db: '${aws_db_instance.db.identifier}' };
    const outcomes = evaluate(DataStoreCredential, { resources, otherRegions: { 'us-east-1-apps': compliantApps() } });
    expect(problems(outcomes)).toEqual([
      expect.objectContaining({
        status: 'non-compliant',
        message: 'service api → database (stack fx-us-east-1): its role may not rds-db:connect as api on aws_db_instance.replica',
      }),
    ]);
    const both = { ...CONNECT, Resource: [...CONNECT.Resource, 'arn:aws:rds-db:us-east-1:111122223333:dbuser:${aws_db_instance.replica.resource_id}/api'] };
    const fixed = regional([both, READ_TOKEN]);
    fixed.aws_db_instance.replica = resources.aws_db_instance.replica;
    expect(problems(evaluate(DataStoreCredential, { resources: fixed, otherRegions: { 'us-east-1-apps': compliantApps() } }))).toEqual([]);
  });

  // Issue 14, item 4: `dbuser:*/<user>` is known at plan time, and narrow only for a user no other environment has.
  describe('a grant on every database of the region (dbuser:*)', () => {
    const own = databaseUserName('fx', 'api');
    const everyDatabase = (user: string, region = 'us-east-1') => ({
      Effect: 'Allow',
      Action: 'rds-db:connect',
      Resource: [`arn:aws:rds-db:${region}:111122223333:dbuser:*/${user}`],
    });
    const withReplica = (statements: object[]) => {
      const resources = regional(statements);
      resources.aws_db_instance.replica = { replicate_source_db: '${aws_db_instance.db.identifier}' };
      return resources;
    };
    const appsAs = (user: string) => ({ ...deployment({ ...ENV, DATABASE_USER: user }), ...usersJob(`CREATE ROLE "${user}" WITH LOGIN;`) });

    it("passes for its environment's own user: every database of the stack, read replica included", () => {
      expect(own).toBe('fx__api');
      const outcomes = evaluate(DataStoreCredential, {
        resources: withReplica([everyDatabase(own), READ_TOKEN]),
        otherRegions: { 'us-east-1-apps': appsAs(own) },
      });
      expect(outcomes.map((o) => o.status)).toEqual(['compliant', 'compliant']);
    });

    it('fails it for a user another environment may have (the bare service name)', () => {
      expect(problems(evaluate(DataStoreCredential, fixture([everyDatabase('api'), READ_TOKEN], appsAs('api'))))).toEqual([
        expect.objectContaining({
          status: 'non-compliant',
          message:
            "service api → database (stack fx-us-east-1): its role may rds-db:connect as api on every database of the region, and api is not its environment's own user (fx__api): another environment's database with a user of that name would let it in",
        }),
      ]);
    });

    it('fails it when it names another user than the one the service logs in as, or another region', () => {
      expect(problems(evaluate(DataStoreCredential, fixture([everyDatabase(databaseUserName('fx', 'search')), READ_TOKEN], appsAs(own))))).toEqual([
        expect.objectContaining({
          status: 'non-compliant',
          message: 'service api → database (stack fx-us-east-1): its role may not rds-db:connect as fx__api on aws_db_instance.db',
        }),
      ]);
      expect(problems(evaluate(DataStoreCredential, fixture([everyDatabase(own, 'us-west-2'), READ_TOKEN], appsAs(own))))).toEqual([
        expect.objectContaining({
          status: 'non-compliant',
          message: 'service api → database (stack fx-us-east-1): its role may not rds-db:connect as fx__api on aws_db_instance.db',
        }),
      ]);
    });
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
      deployment(
        {
          ASSETS_R2_BUCKET: 'fx-assets',
          ARCHIVE_R2_BUCKET: 'fx-archive',
          ...(delivered ? { R2_WRITER_FILE: '/run/secrets/R2_WRITER' } : {}),
        },
        [],
        delivered ? [{ name: 'fetch-secrets', env: [{ name: 'SECRET_ARN_0', value: 'arn:r2' }] }] : [],
      );
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
      { status: 'not-applicable', reason: 'no fx-us-east-1-apps stack and no host service declares the database, Redis with IAM or S3' },
    ]);
  });
});

describe('DataStoreCredential on the queue (fixtures)', () => {
  const job = (name: string, env: Record<string, string>, command = '') =>
    manifest(name, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, namespace: 'operations' },
      spec: {
        template: {
          spec: { containers: [{ name: 'job', command: ['/bin/sh', '-c', command], env: Object.entries(env).map(([n, value]) => ({ name: n, value })) }] },
        },
      },
    });
  const topicArn = (t: string) => `arn:aws:kafka:us-east-1:111122223333:topic/fx-kafka/*/${t}`;
  const KAFKA_ENV = {
    QUEUE_KIND: 'kafka',
    KAFKA_CONSUMER_GROUP: 'api',
    KAFKA_DEAD_LETTER_TOPIC_SUFFIX: '.dlq',
    QUEUE_TOPICS_PRODUCED: 'messages',
    QUEUE_TOPICS_CONSUMED: '',
  };
  const CONNECT_KAFKA = { Effect: 'Allow', Action: ['kafka-cluster:Connect'], Resource: '${aws_msk_cluster.kafka.arn}' };
  const WRITE = { Effect: 'Allow', Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'], Resource: [topicArn('messages')] };
  const IDEMPOTENT = { Effect: 'Allow', Action: ['kafka-cluster:WriteDataIdempotently'], Resource: '${aws_msk_cluster.kafka.arn}' };
  const kafkaFixture = (statements: object[], apps: Resources): Fixture => ({
    resources: { ...regional(statements), aws_msk_cluster: { kafka: { cluster_name: 'fx-kafka' } } },
    otherRegions: { 'us-east-1-apps': apps },
  });
  const topicsJob = (topics: string) => job('kafka-topics-1a2b3c4d', { KAFKA_TOPICS: topics });
  const kafkaMessages = (outcomes: readonly { status: string; message?: string }[]) => problems(outcomes).map((o) => o.message);

  it('passes a producer that may write its topic, which the topics Job creates', () => {
    const outcomes = evaluate(
      DataStoreCredential,
      kafkaFixture([CONNECT_KAFKA, WRITE, IDEMPOTENT], { ...deployment(KAFKA_ENV), ...topicsJob('messages 6 3') }),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['compliant']);
  });

  it('fails a producer that may write its topic but not idempotently (the default of Kafka clients since 3.0)', () => {
    const apps = { ...deployment(KAFKA_ENV), ...topicsJob('messages 6 3') };
    expect(kafkaMessages(evaluate(DataStoreCredential, kafkaFixture([CONNECT_KAFKA, WRITE], apps)))).toEqual([
      'service api → queue (stack fx-us-east-1): its role may not kafka-cluster:WriteDataIdempotently on the MSK cluster: an idempotent producer (the default since Kafka 3.0) is refused',
    ]);
  });

  it('fails a producer without WriteData on its topic', () => {
    const apps = { ...deployment(KAFKA_ENV), ...topicsJob('messages 6 3') };
    expect(kafkaMessages(evaluate(DataStoreCredential, kafkaFixture([CONNECT_KAFKA], apps)))).toEqual([
      'service api → queue (stack fx-us-east-1): its role may not kafka-cluster:DescribeTopic on the topic messages it produces',
    ]);
    const describeOnly = { ...WRITE, Action: ['kafka-cluster:DescribeTopic'] };
    expect(kafkaMessages(evaluate(DataStoreCredential, kafkaFixture([CONNECT_KAFKA, describeOnly], apps)))).toEqual([
      'service api → queue (stack fx-us-east-1): its role may not kafka-cluster:WriteData on the topic messages it produces',
    ]);
  });

  it('fails a topic nobody creates (the brokers do not auto-create)', () => {
    const apps = { ...deployment(KAFKA_ENV), ...topicsJob('uploads 6 3') };
    expect(kafkaMessages(evaluate(DataStoreCredential, kafkaFixture([CONNECT_KAFKA, WRITE, IDEMPOTENT], apps)))).toEqual([
      'service api → queue (stack fx-us-east-1): no kafka-topics Job in fx-us-east-1-apps creates the topic messages (the brokers create none on their own)',
    ]);
  });

  it('fails a consumer without its group actions or its dead-letter topic', () => {
    const env = { ...KAFKA_ENV, QUEUE_TOPICS_PRODUCED: '', QUEUE_TOPICS_CONSUMED: 'messages' };
    const apps = { ...deployment(env), ...topicsJob('messages 6 3\nmessages.dlq 3 3') };
    const read = { Effect: 'Allow', Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'], Resource: [topicArn('messages')] };
    const dlq = { Effect: 'Allow', Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'], Resource: [topicArn('messages.dlq')] };
    const group = {
      Effect: 'Allow',
      Action: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
      Resource: 'arn:aws:kafka:us-east-1:111122223333:group/fx-kafka/*/api',
    };
    expect(kafkaMessages(evaluate(DataStoreCredential, kafkaFixture([CONNECT_KAFKA, read, dlq, group, IDEMPOTENT], apps)))).toEqual([]);
    expect(kafkaMessages(evaluate(DataStoreCredential, kafkaFixture([CONNECT_KAFKA, read, dlq], apps)))).toEqual([
      'service api → queue (stack fx-us-east-1): its role may not kafka-cluster:DescribeGroup on its consumer group api',
    ]);
    expect(kafkaMessages(evaluate(DataStoreCredential, kafkaFixture([CONNECT_KAFKA, read, group], apps)))).toEqual([
      'service api → queue (stack fx-us-east-1): its role may not kafka-cluster:WriteData on messages.dlq, where it dead-letters messages',
    ]);
  });

  it('fails a queue client that names no topic', () => {
    const apps = { ...deployment({ ...KAFKA_ENV, QUEUE_TOPICS_PRODUCED: '' }), ...topicsJob('messages 6 3') };
    expect(kafkaMessages(evaluate(DataStoreCredential, kafkaFixture([CONNECT_KAFKA, WRITE], apps)))).toEqual([
      'service api → queue (stack fx-us-east-1): it names no topic (QUEUE_TOPICS_PRODUCED, QUEUE_TOPICS_CONSUMED): it is given nothing to read or write',
    ]);
  });

  describe('RabbitMQ', () => {
    const broker = {
      aws_mq_broker: {
        mq: { broker_name: 'fx', user: [{ username: 'stagecraft-admin', password: '${aws_secretsmanager_secret_version.admin.secret_string}' }] },
      },
      aws_secretsmanager_secret: { admin: { name: 'admin' }, own: { name: 'own' } },
      aws_secretsmanager_secret_version: { admin: { secret_id: '${aws_secretsmanager_secret.admin.id}', secret_string: '${replace(uuid(), "-", "")}' } },
    };
    const read = (secret: string) => ({
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue'],
      Resource: [`\${aws_secretsmanager_secret.${secret}.arn}`],
    });
    const rabbitFixture = (statements: object[], apps: Resources): Fixture => ({
      resources: { ...regional(statements), ...broker },
      otherRegions: { 'us-east-1-apps': apps },
    });
    const env = (user: string, secret: string) => ({
      QUEUE_KIND: 'rabbitmq',
      QUEUE_USERNAME: user,
      // A cross-stack reference, as the apps stack holds it.
      QUEUE_SECRET_ARN: `\${data.terraform_remote_state.cross-stack-reference-input-fx-us-east-1.outputs.${secret}}`,
      QUEUE_TOPICS_PRODUCED: 'messages',
    });
    /** The users Job putting `user` with `permissions` (JSON in its RABBITMQ_PERMISSIONS_0, as operations-jobs.ts writes it). */
    const usersJob = (user: string, permissions: object = { configure: '^$', write: '^(messages)$', read: '^$' }) =>
      job(
        'rabbitmq-users-1a2b3c4d',
        { RABBITMQ_PERMISSIONS_0: JSON.stringify(permissions) },
        `put_user '${user}' "$RABBITMQ_USER_SECRET_0" "$RABBITMQ_PERMISSIONS_0"`,
      );
    /** Resources of several builders, merged by type (a spread would replace one type's map with another's). */
    const merged = (...parts: Resources[]): Resources => {
      const out: Resources = {};
      for (const part of parts) for (const [type, byName] of Object.entries(part)) out[type] = { ...out[type], ...byName };
      return out;
    };
    const evaluateWithOutputs = (statements: object[], apps: Resources) => evaluateRegional(rabbitFixture(statements, apps));
    const evaluateRegional = (fixture: Fixture) => {
      const synthesis = fixtureSynthesis(fixture);
      const [regionalStack, ...rest] = synthesis.stacks;
      const json = {
        ...(regionalStack.json as Record<string, unknown>),
        output: { own: { value: '${aws_secretsmanager_secret.own.arn}' }, admin: { value: '${aws_secretsmanager_secret.admin.arn}' } },
      };
      const views = stackViews({ ...synthesis, stacks: [{ ...regionalStack, json }, ...rest] });
      return problems(DataStoreCredential.evaluate(views[0] as never)).map((o) => (o.status === 'non-compliant' ? o.message : o.status));
    };

    it('passes a service with its own broker user and password secret', () => {
      expect(
        evaluateWithOutputs(
          [CONNECT, READ_TOKEN, read('own')],
          merged(compliantApps(), deployment({ ...ENV, ...env('service-api', 'own') }), usersJob('service-api')),
        ),
      ).toEqual([]);
    });

    it('fails a service that logs in as the broker admin', () => {
      const apps = merged(compliantApps(), deployment({ ...ENV, ...env('stagecraft-admin', 'admin') }), usersJob('service-api'));
      expect(evaluateWithOutputs([CONNECT, READ_TOKEN, read('admin')], apps)).toEqual([
        'service api → queue (stack fx-us-east-1): it logs in as the broker admin (stagecraft-admin); it must have a broker user of its own',
      ]);
    });

    it('fails a service pointed at, or allowed to read, the admin secret', () => {
      const pointed = merged(compliantApps(), deployment({ ...ENV, ...env('service-api', 'admin') }), usersJob('service-api'));
      expect(evaluateWithOutputs([CONNECT, READ_TOKEN, read('admin')], pointed)).toEqual([
        'service api → queue (stack fx-us-east-1): its environment names the broker admin secret (aws_secretsmanager_secret.admin); it must log in as its own user',
      ]);
      const own = merged(compliantApps(), deployment({ ...ENV, ...env('service-api', 'own') }), usersJob('service-api'));
      expect(evaluateWithOutputs([CONNECT, READ_TOKEN, read('own'), read('admin')], own)).toEqual([
        'service api → queue (stack fx-us-east-1): its role may read the broker admin secret aws_secretsmanager_secret.admin',
      ]);
    });

    it('reads a secret granted by the ARN built from its name, as the stacks grant it (known at plan time)', () => {
      const byName = (secret: string) => ({
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: [`arn:aws:secretsmanager:us-east-1:111122223333:secret:${secret}-??????`],
      });
      const own = merged(compliantApps(), deployment({ ...ENV, ...env('service-api', 'own') }), usersJob('service-api'));
      expect(evaluateWithOutputs([CONNECT, READ_TOKEN, byName('own')], own)).toEqual([]);
      expect(evaluateWithOutputs([CONNECT, READ_TOKEN, byName('own'), byName('admin')], own)).toEqual([
        'service api → queue (stack fx-us-east-1): its role may read the broker admin secret aws_secretsmanager_secret.admin',
      ]);
      // Another secret's name is not its: `own-??????` does not name `own-extra`.
      expect(evaluateWithOutputs([CONNECT, READ_TOKEN, byName('own-extra')], own)).toEqual([
        'service api → queue (stack fx-us-east-1): its role may not read its broker password secret (secretsmanager:GetSecretValue on QUEUE_SECRET_ARN)',
      ]);
    });

    it('fails a producer without credentials, or whose user no Job creates', () => {
      const bare = merged(compliantApps(), deployment({ ...ENV, QUEUE_KIND: 'rabbitmq', QUEUE_TOPICS_PRODUCED: 'messages' }));
      expect(evaluateWithOutputs([CONNECT, READ_TOKEN], bare)).toEqual([
        'service api → queue (stack fx-us-east-1): no QUEUE_USERNAME and QUEUE_SECRET_ARN: it is given no broker credential',
      ]);
      const noJob = merged(compliantApps(), deployment({ ...ENV, ...env('service-api', 'own') }), usersJob('service-other'));
      expect(evaluateWithOutputs([CONNECT, READ_TOKEN, read('own')], noJob)).toEqual([
        'service api → queue (stack fx-us-east-1): no rabbitmq-users Job in fx-us-east-1-apps creates its broker user service-api',
      ]);
    });

    it('fails a user whose permissions do not let it publish its topic or read its queue', () => {
      const apps = (permissions: object, extra: Record<string, string> = {}) =>
        merged(compliantApps(), deployment({ ...ENV, ...env('service-api', 'own'), ...extra }), usersJob('service-api', permissions));
      expect(evaluateWithOutputs([CONNECT, READ_TOKEN, read('own')], apps({ configure: '^$', write: '^$', read: '^$' }))).toEqual([
        'service api → queue (stack fx-us-east-1): its broker user service-api may not publish to the exchange messages it produces (write ^$)',
      ]);
      // The queue of a consumed topic is `<topic>.<service>`; a pattern for another service's queue does not let it in.
      const consumer = { QUEUE_TOPICS_CONSUMED: 'tasks' };
      expect(
        evaluateWithOutputs([CONNECT, READ_TOKEN, read('own')], apps({ configure: '^$', write: '^(messages)$', read: '^(tasks\\.worker)$' }, consumer)),
      ).toEqual([
        'service api → queue (stack fx-us-east-1): its broker user service-api may not read its queue tasks.api of the topic tasks it consumes (read ^(tasks\\.worker)$)',
      ]);
      expect(
        evaluateWithOutputs([CONNECT, READ_TOKEN, read('own')], apps({ configure: '^$', write: '^(messages)$', read: '^(tasks\\.api)$' }, consumer)),
      ).toEqual([]);
    });

    it('checks each broker of a client of both, by its own variables', () => {
      const both = {
        ...ENV,
        KAFKA_BOOTSTRAP_BROKERS: 'b-1.fx-kafka:9098',
        KAFKA_AUTH: 'iam',
        KAFKA_CONSUMER_GROUP: 'api',
        KAFKA_DEAD_LETTER_TOPIC_SUFFIX: '.dlq',
        KAFKA_TOPICS_PRODUCED: 'messages',
        KAFKA_TOPICS_CONSUMED: '',
        RABBITMQ_ENDPOINT: 'amqps://b-1.mq:5671',
        RABBITMQ_USERNAME: 'service-api',
        RABBITMQ_SECRET_ARN: '${data.terraform_remote_state.cross-stack-reference-input-fx-us-east-1.outputs.own}',
        RABBITMQ_TOPICS_PRODUCED: 'tasks',
        RABBITMQ_TOPICS_CONSUMED: '',
      };
      const fixtureOf = (statements: object[], permissions: object) => {
        const f = rabbitFixture(statements, merged(compliantApps(), deployment(both), usersJob('service-api', permissions), topicsJob('messages 6 3')));
        return { ...f, resources: { ...f.resources, aws_msk_cluster: { kafka: { cluster_name: 'fx-kafka' } } } };
      };
      const kafka = [CONNECT_KAFKA, WRITE, IDEMPOTENT];
      const tasks = { configure: '^$', write: '^(tasks)$', read: '^$' };
      const outcomes = (statements: object[], permissions: object) => {
        const synthesis = fixtureSynthesis(fixtureOf(statements, permissions));
        const [regionalStack, ...rest] = synthesis.stacks;
        const json = { ...(regionalStack.json as Record<string, unknown>), output: { own: { value: '${aws_secretsmanager_secret.own.arn}' } } };
        return DataStoreCredential.evaluate(stackViews({ ...synthesis, stacks: [{ ...regionalStack, json }, ...rest] })[0] as never);
      };
      const messages = (statements: object[], permissions: object) =>
        problems(outcomes(statements, permissions)).map((o) => (o.status === 'non-compliant' ? o.message : o.status));
      expect(outcomes([CONNECT, READ_TOKEN, read('own'), ...kafka], tasks).map((o) => o.status)).toEqual(Array(4).fill('compliant'));
      expect(messages([CONNECT, READ_TOKEN, read('own'), CONNECT_KAFKA, IDEMPOTENT], tasks)).toEqual([
        'service api → kafka (stack fx-us-east-1): its role may not kafka-cluster:DescribeTopic on the topic messages it produces',
      ]);
      expect(messages([CONNECT, READ_TOKEN, read('own'), ...kafka], { configure: '^$', write: '^(messages)$', read: '^$' })).toEqual([
        'service api → rabbitmq (stack fx-us-east-1): its broker user service-api may not publish to the exchange tasks it produces (write ^(messages)$)',
      ]);
      expect(messages([CONNECT, READ_TOKEN, ...kafka], tasks)).toEqual([
        'service api → rabbitmq (stack fx-us-east-1): its role may not read its broker password secret (secretsmanager:GetSecretValue on RABBITMQ_SECRET_ARN)',
      ]);
    });
  });
});

describe('DataStoreCredential on hosts (fixtures)', () => {
  /** A launch template whose cloud-init writes `compose`, as stacks/host-services.ts renders it. */
  const host = (services: Record<string, unknown>): Resources => {
    const cloudInit = stringify({ write_files: [{ path: '/etc/stagecraft/compose.yaml', content: stringify({ services }) }] });
    const escaped = cloudInit.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
    return { aws_launch_template: { host: { name: 'fx-host', user_data: `\${base64encode("${escaped}")}` } } };
  };
  const users = {
    environment: { DATABASE_USERS_SQL: 'DO $$$$stagecraft$$$$ BEGIN CREATE ROLE "api" WITH LOGIN; END $$$$stagecraft$$$$;' },
    secrets: ['database'],
  };
  const api = (env: Record<string, string>, extra: Record<string, unknown> = {}) => ({
    environment: { DATABASE_HOST: 'postgres', ...env },
    secrets: ['database-password-api'],
    depends_on: { 'database-users': { condition: 'service_completed_successfully' } },
    ...extra,
  });
  const OWN = { DATABASE_USER: 'api', DATABASE_PASSWORD_SECRET_FILE: '/run/secrets/database-password-api' };
  const messages = (services: Record<string, unknown>) =>
    evaluate(DataStoreCredential, { resources: host(services), stage: 'launch' }).map((o) => (o.status === 'non-compliant' ? o.message : o.status));

  it('passes a service with its own user and password file, created before it starts', () => {
    expect(messages({ 'database-users': users, api: api(OWN) })).toEqual(['compliant']);
  });

  it('fails a service handed the master password', () => {
    expect(messages({ 'database-users': users, api: api({ DATABASE_SECRET_FILE: '/run/secrets/database' }, { secrets: ['database'] }) })).toEqual([
      'service api → database (stack fx-us-east-1, aws_launch_template.host): it is handed the master password (DATABASE_SECRET_FILE or the master secret file); it must log in as its own user',
    ]);
  });

  it('fails a user nobody creates, or a service that may start first', () => {
    expect(messages({ api: api(OWN) })).toEqual([
      'service api → database (stack fx-us-east-1, aws_launch_template.host): no database-users service on the host creates the user api',
    ]);
    expect(messages({ 'database-users': users, api: api(OWN, { depends_on: {} }) })).toEqual([
      'service api → database (stack fx-us-east-1, aws_launch_template.host): it may start before the database-users service has created its user (depends_on database-users: service_completed_successfully)',
    ]);
  });
});

describe('DataStoreCredential on hosts: the broker beside them (traction, fixtures)', () => {
  const host = (services: Record<string, unknown>): Resources => {
    const cloudInit = stringify({ write_files: [{ path: '/etc/stagecraft/compose.yaml', content: stringify({ services }) }] });
    const escaped = cloudInit.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
    return {
      aws_launch_template: { host: { name: 'fx-host', user_data: `\${base64encode("${escaped}")}` } },
      aws_mq_broker: { mq: { broker_name: 'mq', user: [{ username: 'stagecraft-admin', password: 'x' }] } },
    };
  };
  /** The one-shot service as services/host-rabbitmq-users.ts renders it, putting `users` (user → password file). */
  const brokerUsers = (users: Record<string, string>, permissions = { configure: '^$$', write: '^(uploads)$$', read: '^(uploads\\.resizer)$$' }) => ({
    environment: { RABBITMQ_PERMISSIONS_0: JSON.stringify(permissions) },
    entrypoint: [
      '/bin/sh',
      '-c',
      Object.entries(users)
        .map(([user, file]) => `put_user '${user}' '${file}' "$$RABBITMQ_PERMISSIONS_0"`)
        .join('\n'),
    ],
    secrets: ['rabbitmq-admin', ...Object.values(users)],
  });
  const resizer = (env: Record<string, string> = {}, extra: Record<string, unknown> = {}) => ({
    environment: {
      QUEUE_KIND: 'rabbitmq',
      QUEUE_USERNAME: 'service-resizer',
      QUEUE_SECRET_FILE: '/run/secrets/queue-resizer',
      QUEUE_TOPICS_CONSUMED: 'uploads',
      ...env,
    },
    secrets: ['queue-resizer'],
    depends_on: { 'rabbitmq-users': { condition: 'service_completed_successfully' } },
    ...extra,
  });
  const messages = (services: Record<string, unknown>) =>
    evaluate(DataStoreCredential, { resources: host(services), stage: 'traction' }).map((o) => (o.status === 'non-compliant' ? o.message : o.status));
  const where = 'service resizer → queue (stack fx-us-east-1, aws_launch_template.host)';

  it('passes a client with its own broker user and password file, put before it starts with the permission to read its queue', () => {
    expect(messages({ 'rabbitmq-users': brokerUsers({ 'service-resizer': 'queue-resizer' }), resizer: resizer() })).toEqual(['compliant']);
  });

  it('fails a client that logs in as the admin, mounts the admin file, or shares its password file', () => {
    const users = brokerUsers({ 'service-resizer': 'queue-resizer' });
    expect(messages({ 'rabbitmq-users': users, resizer: resizer({ QUEUE_USERNAME: 'stagecraft-admin' }) })).toEqual([
      `${where}: it logs in as the broker admin (stagecraft-admin); it must have a broker user of its own`,
    ]);
    expect(messages({ 'rabbitmq-users': users, resizer: resizer({}, { secrets: ['queue-resizer', 'rabbitmq-admin'] }) })).toEqual([
      `${where}: it mounts the broker admin's password file (rabbitmq-admin); it must log in as its own user`,
    ]);
    expect(messages({ 'rabbitmq-users': users, resizer: resizer(), web: { environment: {}, secrets: ['queue-resizer'] } })).toEqual([
      `${where}: its password file queue-resizer is mounted by web too`,
    ]);
  });

  it('fails a user nobody puts, a client that may start first, and a user that may not read its queue', () => {
    expect(messages({ resizer: resizer() })).toEqual([
      `${where}: no rabbitmq-users service on the host puts its broker user service-resizer with its password file queue-resizer`,
    ]);
    expect(messages({ 'rabbitmq-users': brokerUsers({ 'service-resizer': 'queue-resizer' }), resizer: resizer({}, { depends_on: {} }) })).toEqual([
      `${where}: it may start before the rabbitmq-users service has put its user (depends_on rabbitmq-users: service_completed_successfully)`,
    ]);
    expect(
      messages({ 'rabbitmq-users': brokerUsers({ 'service-resizer': 'queue-resizer' }, { configure: '^$$', write: '^$$', read: '^$$' }), resizer: resizer() }),
    ).toEqual([
      `${where}: its broker user service-resizer may not publish to each topic it produces (write ^$) and read its queue of each it consumes (read ^$)`,
    ]);
  });
});

describe('DataStoreCredential on hosts: containers have the instance role only when IMDS answers them (fixtures)', () => {
  /** A traction host: its template (hop limit `hops`), instance profile and role with `statements`, and its release with `env` for api. */
  const traction = (hops: number, statements: unknown[], env: Record<string, string>): Fixture => ({
    stage: 'traction',
    resources: {
      aws_instance: { host: { launch_template: { id: '${aws_launch_template.host.id}' } } },
      aws_launch_template: {
        host: {
          iam_instance_profile: { arn: '${aws_iam_instance_profile.host.arn}' },
          metadata_options: { http_tokens: 'required', http_put_response_hop_limit: hops },
        },
      },
      aws_iam_instance_profile: { host: { role: '${aws_iam_role.host.name}' } },
      aws_iam_role: { host: { name: 'host' } },
      aws_iam_role_policy: { stores: { role: '${aws_iam_role.host.id}', policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) } },
      aws_elasticache_replication_group: { redis: { replication_group_id: 'r' } },
      aws_elasticache_user: { app: { user_name: 'app' } },
      aws_s3_bucket: { assets: { bucket: 'assets' } },
      aws_s3_object: { compose: { key: 'release/compose.yaml', content: stringify({ services: { api: { environment: env } } }) } },
    },
  });
  const REDIS = {
    REDIS_HOST: '${aws_elasticache_replication_group.redis.primary_endpoint_address}',
    REDIS_AUTH: 'iam',
    REDIS_USER: '${aws_elasticache_user.app.user_name}',
  };
  const ASSETS = { ASSETS_BUCKET: '${aws_s3_bucket.assets.bucket}' };
  const CONNECT = {
    Effect: 'Allow',
    Action: ['elasticache:Connect'],
    Resource: ['${aws_elasticache_replication_group.redis.arn}', '${aws_elasticache_user.app.arn}'],
  };
  const OBJECTS = {
    Effect: 'Allow',
    Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
    Resource: ['${aws_s3_bucket.assets.arn}', '${aws_s3_bucket.assets.arn}/*'],
  };
  const messages = (fixture: Fixture) => evaluate(DataStoreCredential, fixture).map((o) => (o.status === 'non-compliant' ? o.message : o.status));

  it('passes Redis with IAM and S3 when the role allows them and IMDS answers the containers (hop limit 2)', () => {
    expect(messages(traction(2, [CONNECT, OBJECTS], { ...REDIS, ...ASSETS }))).toEqual(['compliant', 'compliant']);
  });

  it('fails both at hop limit 1, though the instance role holds elasticache:Connect and the bucket', () => {
    const reason =
      "its container cannot reach the instance metadata service (aws_launch_template.host metadata_options.http_put_response_hop_limit 1; a container on Docker's bridge network needs 2), so it has no AWS credentials";
    expect(messages(traction(1, [CONNECT, OBJECTS], { ...REDIS, ...ASSETS }))).toEqual([
      `service api → redis (stack fx-us-east-1, aws_s3_object.compose): ${reason}`,
      `service api → objectStorage (stack fx-us-east-1, aws_s3_object.compose): ${reason}`,
    ]);
  });

  it('fails a grant the instance role lacks', () => {
    expect(messages(traction(2, [OBJECTS], { ...REDIS, ...ASSETS }))).toEqual([
      'service api → redis (stack fx-us-east-1, aws_s3_object.compose): its role may not elasticache:Connect to the replication group as its user',
      'compliant',
    ]);
    expect(messages(traction(2, [CONNECT], ASSETS))).toEqual([
      'service api → objectStorage (stack fx-us-east-1, aws_s3_object.compose): its role may not read and write objects in the bucket (s3:GetObject, s3:PutObject)',
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
      'acme-launch-us-east-1',
      'acme-massive-ap-northeast-1',
      'acme-massive-eu-west-1',
      'acme-massive-us-east-1',
      'acme-scale-us-west-2',
      'acme-traction-eu-west-1',
    ]);
    // Six services on growth; the stores they declare, the queue of the producers' topics included (2 + 4 + 2 + 3 + 4 + 3),
    // and the assets R2 bucket of the three that declare objectStorage.
    expect(outcomesOf(synthesis, 'acme-growth-us-east-1')).toHaveLength(18 + 3);
  });

  it("fails traction's Redis (IAM) and S3 links when its hosts answer IMDS on one hop only, as they did before issue 15", () => {
    const oneHop = changed('acme-traction-eu-west-1', (json) => {
      for (const template of Object.values(json.resource.aws_launch_template))
        (template.metadata_options as Record<string, unknown>).http_put_response_hop_limit = 1;
    });
    const failed = problems(outcomesOf(oneHop, 'acme-traction-eu-west-1')).map((o) => (o.status === 'non-compliant' ? o.message.split(':')[0] : o.status));
    expect(failed.map((m) => m.replace(/ \(stack.*$/, '')).sort()).toEqual([
      'service api → objectStorage',
      'service api → redis',
      'service archive-worker → objectStorage',
      'service delivery-worker → redis',
      'service websocket-gateway → redis',
    ]);
    expect(problems(outcomesOf(synthesis, 'acme-traction-eu-west-1'))).toEqual([]);
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
        /^service moderation-worker → database \(stack acme-growth-us-east-1\): its role may not rds-db:connect as acme_growth__moderation_worker on aws_db_instance\.postgres_primary_/,
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

  it('gives growth services rds-db:connect on every database of the region (the read replicas they are sent to too), as their own user, named at plan time', () => {
    const growth = stackViews(synthesis).find((v) => v.name === 'acme-growth-us-east-1')!;
    const replicas = growth.resources('aws_db_instance').filter((d) => d.values.replicate_source_db !== undefined);
    expect(replicas.length).toBeGreaterThan(0);
    const policy = growth.resources('aws_iam_role_policy').find((p) => p.address.startsWith('aws_iam_role_policy.service-api_data-stores'))!;
    const connect = JSON.parse(String(policy.values.policy)).Statement.find((s: { Sid?: string }) => s.Sid === 'ConnectAsItsDatabaseUser');
    const account = synthesizeExamples().environments.find((e) => e.name === 'acme-growth')!.awsAccountId;
    expect(connect.Resource).toEqual([`arn:aws:rds-db:us-east-1:${account}:dbuser:*/${databaseUserName('acme-growth', 'api')}`]);
  });

  it('evaluates the producers (api, websocket-gateway, delivery-worker) at the queue on growth, scale, hyperscale and massive', () => {
    for (const stack of ['acme-growth-us-east-1', 'acme-scale-us-west-2', 'acme-hyperscale-us-east-1', 'acme-massive-us-east-1']) {
      const view = stackViews(synthesis).find((v) => v.name === stack)!;
      const roles = DataStoreCredential.evaluate(view)
        .filter((o) => o.status === 'compliant')
        .map((o) => o.address);
      for (const producer of ['api', 'websocket-gateway', 'delivery-worker'])
        expect(roles.filter((address) => address?.startsWith(`aws_iam_role.service-${producer}_role_`)).length).toBeGreaterThanOrEqual(3);
    }
  });

  it('fails hyperscale when the topics Job stops creating a topic api produces', () => {
    const broken = changed('acme-hyperscale-us-east-1-apps', (json) => {
      for (const job of Object.values(json.resource.kubernetes_job_v1)) {
        const text = JSON.stringify(job).replace(/uploads 12 3\\n/, '');
        Object.assign(job, JSON.parse(text));
      }
    });
    expect(problems(outcomesOf(broken, 'acme-hyperscale-us-east-1'))).toEqual([
      expect.objectContaining({
        message:
          'service api → queue (stack acme-hyperscale-us-east-1): no kafka-topics Job in acme-hyperscale-us-east-1-apps creates the topic uploads (the brokers create none on their own)',
      }),
      expect.objectContaining({
        message:
          'service moderation-worker → queue (stack acme-hyperscale-us-east-1): no kafka-topics Job in acme-hyperscale-us-east-1-apps creates the topic uploads (the brokers create none on their own)',
      }),
    ]);
  });

  it('fails growth when a service is handed the broker admin instead of its own user', () => {
    const broken = changed('acme-growth-us-east-1-apps', (json) => {
      for (const deployment of Object.values(json.resource.kubernetes_deployment_v1)) {
        const text = JSON.stringify(deployment).replace(/"service-analytics-worker"/, '"stagecraft-admin"');
        Object.assign(deployment, JSON.parse(text));
      }
    });
    expect(problems(outcomesOf(broken, 'acme-growth-us-east-1'))).toEqual([
      expect.objectContaining({
        message:
          'service analytics-worker → queue (stack acme-growth-us-east-1): it logs in as the broker admin (stagecraft-admin); it must have a broker user of its own',
      }),
    ]);
  });

  it('keeps the RabbitMQ admin password the only generated secret in state, readable by the operations Jobs alone (SC-EAR-18)', () => {
    const outcomes = stackViews(synthesis).flatMap((v) => StateSecretOnlyForBrokerAdmin.evaluate(v).map((o) => ({ stack: v.name, ...o })));
    expect(outcomes.filter((o) => o.status === 'non-compliant' || o.status === 'could-not-evaluate')).toEqual([]);
    expect(outcomes.filter((o) => o.status === 'compliant').map((o) => o.stack)).toEqual(['acme-growth-us-east-1', 'acme-scale-us-west-2']);
    // A service's role that may read the admin secret fails both rules, whether its policy names
    // the secret by a reference or by the ARN built from its name (as the stacks name secrets).
    const byReference = (id: string) => `\${aws_secretsmanager_secret.${id}.arn}`;
    const byName = (id: string, json: { resource: Record<string, Record<string, Record<string, unknown>>> }) =>
      `arn:aws:secretsmanager:us-east-1:111122223333:secret:${String(json.resource.aws_secretsmanager_secret[id].name)}-??????`;
    for (const resource of [byReference, byName]) {
      const broken = changed('acme-growth-us-east-1', (json) => {
        const admin = Object.keys(json.resource.aws_secretsmanager_secret).find((name) => name.startsWith('rabbitmq_admin-password_secret_'))!;
        const policy = policyOf(json, 'analytics-worker');
        const document = JSON.parse(String(policy.policy));
        document.Statement.push({ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [resource(admin, json)] });
        policy.policy = JSON.stringify(document);
      });
      const view = stackViews(broken).find((v) => v.name === 'acme-growth-us-east-1')!;
      expect(StateSecretOnlyForBrokerAdmin.evaluate(view).filter((o) => o.status === 'non-compliant')).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(/holds the broker admin password, and aws_iam_role\.service-analytics-worker_role_\w+ may read it/),
        }),
      ]);
      expect(problems(outcomesOf(broken, 'acme-growth-us-east-1'))).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(/^service analytics-worker → queue \(stack acme-growth-us-east-1\): its role may read the broker admin secret/),
        }),
      ]);
    }
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

describe('DataStoreCredential without aws.accountId: the ARNs are references, not literals', () => {
  // As the constructs write them then: the partition and account read from the KMS key's ARN, with
  // quotes inside the templates, and the assets bucket by reference (its name holds no account).
  const PARTITION = '${element(split(":", aws_kms_key.key.arn), 1)}';
  const ACCOUNT = '${element(split(":", aws_kms_key.key.arn), 4)}';
  const connect = `{"Effect":"Allow","Action":"rds-db:connect","Resource":["arn:${PARTITION}:rds-db:us-east-1:${ACCOUNT}:dbuser:\${aws_db_instance.db.resource_id}/api"]}`;
  const objects = (resource: string) => `{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":["\${aws_s3_bucket.assets.arn}","${resource}"]}`;
  const withPolicy = (statements: string[]): Fixture => {
    const resources = regional([]);
    return {
      resources: {
        ...resources,
        aws_kms_key: { key: {} },
        aws_s3_bucket: { assets: { bucket_prefix: 'fx-assets-' } },
        aws_iam_role_policy: { api: { role: '${aws_iam_role.api.id}', policy: `{"Version":"2012-10-17","Statement":[${statements.join(',')}]}` } },
      },
      otherRegions: {
        'us-east-1-apps': {
          ...deployment({ DATABASE_HOST: 'db.internal', DATABASE_USER: 'api', ASSETS_BUCKET: '${aws_s3_bucket.assets.bucket}' }),
          ...usersJob('CREATE ROLE "api" WITH LOGIN;'),
        },
      },
    };
  };

  it("passes a service whose database user and bucket objects are named by reference (the policy's own quotes inside its templates)", () => {
    const outcomes = evaluate(DataStoreCredential, withPolicy([connect, objects('${aws_s3_bucket.assets.arn}/*')]));
    expect(outcomes.map((o) => o.status)).toEqual(['compliant', 'compliant']);
  });

  it('still fails a role that may touch only the bucket itself, or the objects of something that is not a bucket', () => {
    const message = 'service api → objectStorage (stack fx-us-east-1): its role may not read and write objects in the bucket (s3:GetObject, s3:PutObject)';
    for (const resource of ['${aws_s3_bucket.assets.arn}', '${aws_kms_key.key.arn}/*', '${aws_s3_bucket.missing.arn}/*']) {
      const outcomes = evaluate(DataStoreCredential, withPolicy([connect, objects(resource).replace('"${aws_s3_bucket.assets.arn}",', '')]));
      expect([resource, problems(outcomes)]).toEqual([resource, [expect.objectContaining({ status: 'non-compliant', message })]]);
    }
  });

  it('still fails a role without its database user, the account a reference', () => {
    const other = connect.replace('}/api"', '}/other"');
    expect(problems(evaluate(DataStoreCredential, withPolicy([other, objects('${aws_s3_bucket.assets.arn}/*')])))).toEqual([
      expect.objectContaining({
        status: 'non-compliant',
        message: 'service api → database (stack fx-us-east-1): its role may not rds-db:connect as api on aws_db_instance.db',
      }),
    ]);
  });
});

describe('the photo-sharing growth environment without aws.accountId', () => {
  it('passes SC-REQ-3 and every other guardrail, evaluated: no false error from the references', () => {
    const root = mkdtempSync(join(tmpdir(), 'stagecraft-no-account-'));
    cpSync(join(PROJECT_ROOT, 'test', 'fixtures', 'photo-sharing'), root, { recursive: true });
    const file = join(root, 'environments', 'photos-growth.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('aws:\n  accountId: "111122223333"\n');
    writeFileSync(file, text.replace('aws:\n  accountId: "111122223333"\n', ''));
    const environments = loadEnvironments([join('environments', 'photos-growth.yaml')], root);
    synthesizeEnvironments(environments, { outdir: join(root, 'out'), stateDir: root });
    const synthesis = readSynthesis(join(root, 'out'), { command: 'test', flag: '--from', given: 'out' });
    rmSync(root, { recursive: true, force: true });
    // The bucket ARNs are references now, and the database user ARNs templates.
    const regional = synthesis.stacks.find((s) => s.name === 'photos-growth-eu-central-1')!;
    expect(JSON.stringify(regional.json)).not.toContain('111122223333');
    const credential = stackViews(synthesis).flatMap((v) => DataStoreCredential.evaluate(v));
    expect(credential.filter((o) => o.status !== 'compliant' && o.status !== 'not-applicable')).toEqual([]);
    expect(credential.filter((o) => o.status === 'compliant').length).toBeGreaterThan(0);
    const result = checkSynthesis(synthesis);
    expect(result.findings.filter((f) => f.level === 'error')).toEqual([]);
  }, 240_000);
});
