/**
 * Every service can authenticate to every data store it declares (issue 15, review R4–R6, R10):
 * on a cluster stage, for each product Deployment of the region's apps stack and each store its
 * environment points it at, the link that lets it in exists, and as itself:
 * - PostgreSQL (RDS, Aurora): `rds-db:connect` as its own user on every database and read replica, that user in
 *   the `database-users` Job's script, and no master secret in its environment; a grant on every
 *   database of the region (`*` for the resource id) counts only for the user unique to its
 *   environment (config/database-user.ts), which no other environment's database has;
 * - CockroachDB: its SQL user in the migrations, a client certificate Secret the region's
 *   `cockroachdb-client-certs` Job writes, mounted by its pods;
 * - each broker it uses: the topics it names there (QUEUE_TOPICS_PRODUCED, QUEUE_TOPICS_CONSUMED for
 *   a client of one broker, QUEUE_KIND naming it; KAFKA_TOPICS_* and RABBITMQ_TOPICS_* for a client
 *   of both); on Kafka (MSK, IAM only) `kafka-cluster:Connect`, read and group actions on each topic
 *   it consumes, write actions on each it produces, and each topic created by the kafka-topics Job;
 *   on RabbitMQ a broker user of its own (never the admin, whose secret it may not read) that the
 *   rabbitmq-users Job creates with permissions to publish to each topic it produces and read its
 *   queue of each it consumes, and read access to its own password secret;
 * - OpenSearch: `es:ESHttp*` on the domain, its role admitted by the domain policy, and a role
 *   mapping for it in the search Job;
 * - Redis: IAM authentication (REDIS_AUTH=iam, REDIS_USER) and elasticache:Connect on the group and the user;
 * - S3: object read and write on a bucket;
 * - R2 (the edge stack's assets and archive buckets, config/r2-buckets.ts): the region's R2 writer
 *   credential delivered as its secret `R2_WRITER` (the fetch-secrets init container, R2_WRITER_FILE)
 *   and its role's read access to that secret.
 * A store is declared by the variables the platform sets for it (DATABASE_HOST, REDIS_HOST,
 * QUEUE_KIND, or KAFKA_BOOTSTRAP_BROKERS and RABBITMQ_ENDPOINT beside no QUEUE_KIND, SEARCH_ENDPOINT, ASSETS_BUCKET, ASSETS_R2_BUCKET, ARCHIVE_R2_BUCKET). A missing link fails and names the service, the
 * store, the link and the stack. On single-host stages the database is checked in the hosts'
 * compose project: each service its own user and password file, never the master's, created before
 * it starts by the one-shot `database-users` service; and the stores a container reaches with IAM
 * (Redis with REDIS_AUTH=iam, S3) need the instance role's grants, which a container has only when
 * the hosts' IMDS hop limit reaches it (2: Docker's bridge network is one hop further). RabbitMQ on
 * hosts (traction): each client its own broker user and password file, never the admin's, put with
 * its permissions by the one-shot `rabbitmq-users` service before it starts.
 */
import { databaseUserName } from '../../../config/database-user';
import { R2_BUCKET_ENV, R2_WRITER_SECRET, R2_WRITER_TAG } from '../../../config/r2-buckets';
import { decodePolicy, JsonValue, statements, stringList } from '../../../synthesis/policy-document';
import { manifestsOf, ManifestView } from '../../../synthesis/kubernetes-objects';
import { fromTerraformLiteral } from '../../../synthesis/terraform-literal';
import { record } from '../../../synthesis/values';
import { ResourceView, StackOutcome, StackRule, StackView } from '../../types';
import { follow } from './links';
import { launchTemplateOf, namesSecret } from '../helpers';
import { composeText, HOST_BROKER_USERS_SERVICE, HostComposeService, hostComposeServices, RELEASE_COMPOSE_KEY, releaseComposeServices } from './host-compose';

const PRODUCT_NAMESPACE = 'product';

/** The variable that shows a Deployment uses a store, by store. */
const DECLARED_BY = {
  database: 'DATABASE_HOST',
  redis: 'REDIS_HOST',
  queue: 'QUEUE_KIND',
  search: 'SEARCH_ENDPOINT',
  objectStorage: 'ASSETS_BUCKET',
  r2Assets: R2_BUCKET_ENV.assets,
  r2Archive: R2_BUCKET_ENV.archive,
  // A client of both brokers: each broker by its own variables (QUEUE_KIND names one broker only).
  kafka: 'KAFKA_BOOTSTRAP_BROKERS',
  rabbitmq: 'RABBITMQ_ENDPOINT',
} as const;
type Store = keyof typeof DECLARED_BY;

/** Whether the Deployment's environment declares `store`. */
function declares(store: Store, env: ReadonlyMap<string, string>): boolean {
  // A client of Kafka alone has KAFKA_BOOTSTRAP_BROKERS too: its QUEUE_KIND declares it, as `queue`.
  if (store === 'kafka') return env.has(DECLARED_BY.kafka) && env.get('QUEUE_KIND') !== 'kafka';
  return env.has(DECLARED_BY[store]);
}

/** The variables of one broker's link, by their prefix: `QUEUE_` for a client of one broker, `KAFKA_` or `RABBITMQ_` for one of both. */
interface BrokerVariables {
  readonly prefix: string;
  readonly produced: readonly string[];
  readonly consumed: readonly string[];
}

interface Grant {
  readonly actions: string[];
  readonly resources: string[];
}

/** What the rule knows of one service in the region. */
interface ServiceFacts {
  readonly name: string;
  readonly env: ReadonlyMap<string, string>;
  readonly secretVolumes: readonly string[];
  readonly initContainers: readonly string[];
  readonly grants: readonly Grant[];
  readonly role?: ResourceView;
  /** Its pod spec (the init containers' variables). */
  readonly pod: Record<string, unknown>;
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;
const allows = (grants: readonly Grant[], action: (a: string) => boolean, resource: (r: string) => boolean) =>
  grants.some((g) => g.actions.some(action) && g.resources.some(resource));
/** Every string inside `value`, one per line: what a Job's script, env or a ConfigMap's files say. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(text).join('\n');
  const object = record(value);
  return object ? Object.values(object).map(text).join('\n') : '';
}

/** The pod spec of a Deployment, or of a CronJob's Job (a scheduled service, `kind: job`). */
function podSpec(m: ManifestView): Record<string, unknown> {
  const spec = record(m.manifest.spec);
  const template = m.kind === 'CronJob' ? record(record(record(spec?.jobTemplate)?.spec)?.template) : record(spec?.template);
  return record(template?.spec) ?? {};
}

function containerEnv(m: ManifestView): Map<string, string> {
  const containers = (podSpec(m).containers as unknown[] | undefined) ?? [];
  const env = new Map<string, string>();
  for (const c of containers)
    for (const e of (record(c)?.env as unknown[] | undefined) ?? []) {
      const entry = record(e);
      if (typeof entry?.name === 'string') env.set(entry.name, typeof entry.value === 'string' ? entry.value : '');
    }
  return env;
}

/** The role's statements from every inline policy on it, or the policy text that could not be read. */
function grantsOf(stack: StackView, role: ResourceView): { grants: Grant[]; unresolved?: string } {
  const grants: Grant[] = [];
  for (const policy of stack.referencing('aws_iam_role_policy', 'role', role)) {
    const decoded = decodePolicy(policy.values.policy);
    if ('unresolved' in decoded) return { grants, unresolved: `${policy.address}.policy` };
    for (const s of statements(decoded.document)) {
      if (s.Effect !== 'Allow') continue;
      grants.push({ actions: stringList(s.Action as JsonValue), resources: stringList(s.Resource as JsonValue) });
    }
  }
  return { grants };
}

/** The `attribute` of every `type` resource of `stack` given as a literal: what ARNs built from names (constructs/shared/arn.ts) carry. */
function namesOf(stack: StackView, type: string, attribute: string): string[] {
  return stack
    .resources(type)
    .map((r) => r.values[attribute])
    .filter((v): v is string => typeof v === 'string' && !v.includes('${'));
}

const KAFKA_TOPICS_JOB = 'kafka-topics-';
const RABBITMQ_USERS_JOB = 'rabbitmq-users-';

/**
 * Kafka (MSK, IAM only): connect to the cluster; DescribeTopic and ReadData on each topic it
 * consumes, DescribeGroup and AlterGroup on its group, WriteData on their dead-letter topics;
 * DescribeTopic and WriteData on each topic it produces, WriteDataIdempotently on the cluster when it
 * writes; and each of those topics created by the
 * region's kafka-topics Job (the brokers create none on their own).
 */
function kafkaLink(service: ServiceFacts, stack: StackView, apps: StackView, { produced, consumed }: BrokerVariables): string | undefined {
  const { env, grants } = service;
  if (
    !allows(
      grants,
      (a) => a === 'kafka-cluster:Connect',
      // A reference, or the ARN built from a cluster's name, `…:cluster/<name>/*` (constructs/shared/arn.ts).
      (r) => r.includes('aws_msk_cluster.') || namesOf(stack, 'aws_msk_cluster', 'cluster_name').some((n) => r.includes(`:cluster/${n}/`)),
    )
  )
    return 'its role may not kafka-cluster:Connect to the MSK cluster (IAM is the only way in)';
  const onTopic = (topic: string) => (r: string) => r.includes(':topic/') && r.endsWith(`/${topic}`);
  const may = (action: string, topic: string) => allows(grants, (a) => a === action || a === 'kafka-cluster:*', onTopic(topic));
  const suffix = env.get('KAFKA_DEAD_LETTER_TOPIC_SUFFIX') ?? '.dlq';
  for (const topic of consumed) {
    for (const action of ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'])
      if (!may(action, topic)) return `its role may not ${action} on the topic ${topic} it consumes`;
    if (!may('kafka-cluster:WriteData', `${topic}${suffix}`))
      return `its role may not kafka-cluster:WriteData on ${topic}${suffix}, where it dead-letters ${topic}`;
  }
  const group = env.get('KAFKA_CONSUMER_GROUP');
  if (consumed.length > 0) {
    for (const action of ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'])
      if (
        !group ||
        !allows(
          grants,
          (a) => a === action,
          (r) => r.includes(':group/') && r.endsWith(`/${group}`),
        )
      )
        return `its role may not ${action} on its consumer group ${group ?? '(no KAFKA_CONSUMER_GROUP)'}`;
  }
  for (const topic of produced)
    for (const action of ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'])
      if (!may(action, topic)) return `its role may not ${action} on the topic ${topic} it produces`;
  // Every writer (its topics or dead letters): Kafka clients are idempotent by default since 3.0, and
  // MSK refuses their InitProducerId without this action on the cluster.
  if (
    (produced.length > 0 || consumed.length > 0) &&
    !allows(
      grants,
      (a) => a === 'kafka-cluster:WriteDataIdempotently' || a === 'kafka-cluster:*',
      (r) => r.includes('aws_msk_cluster.') || namesOf(stack, 'aws_msk_cluster', 'cluster_name').some((n) => r.includes(`:cluster/${n}/`)),
    )
  )
    return 'its role may not kafka-cluster:WriteDataIdempotently on the MSK cluster: an idempotent producer (the default since Kafka 3.0) is refused';
  const creator = manifestsOf(apps, 'Job').find((j) => j.name.startsWith(KAFKA_TOPICS_JOB));
  const created = new Set(
    text(creator?.manifest)
      .split('\n')
      .map((line) => /^([A-Za-z0-9._-]+) \d+ \d+$/.exec(line)?.[1])
      .filter((t): t is string => t !== undefined),
  );
  for (const topic of [...produced, ...consumed, ...consumed.map((t) => `${t}${suffix}`)])
    if (!created.has(topic)) return `no kafka-topics Job in ${apps.name} creates the topic ${topic} (the brokers create none on their own)`;
  return undefined;
}

/** The secrets whose value an Amazon MQ broker's users log in with (the admin's), by address. */
function brokerAdminSecrets(stack: StackView): Set<string> {
  const secrets = new Set<string>();
  for (const broker of stack.resources('aws_mq_broker'))
    for (const user of ((Array.isArray(broker.values.user) ? broker.values.user : [broker.values.user]) as unknown[]).map(record)) {
      const version = stack.referenced(user?.password);
      const secret = version ? stack.referenced(version.values.secret_id) : undefined;
      if (secret) secrets.add(secret.address);
    }
  return secrets;
}

/** The permissions a rabbitmq-users Job puts for `username`, as the broker reads them (`put_user '<user>' … "$RABBITMQ_PERMISSIONS_<i>"`). */
function rabbitMqPermissionsOf(job: ManifestView, username: string): { write?: unknown; read?: unknown } | undefined {
  const line = text(job.manifest)
    .split('\n')
    .find((l) => l.startsWith(`put_user '${username}' `));
  const variable = line ? /"\$(RABBITMQ_PERMISSIONS_\d+)"$/.exec(line)?.[1] : undefined;
  const value = variable ? containerEnv(job).get(variable) : undefined;
  if (value === undefined) return undefined;
  try {
    return record(JSON.parse(fromTerraformLiteral(value))) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Whether a RabbitMQ permission pattern (a regular expression over resource names) lets in `name`. */
function permits(pattern: unknown, name: string): boolean {
  if (typeof pattern !== 'string') return false;
  try {
    return new RegExp(pattern).test(name);
  } catch {
    return false;
  }
}

/**
 * RabbitMQ (Amazon MQ): its own broker user, never the admin: a user name that is not a broker
 * user of the Terraform `user` block, a password secret that is not the admin's, read access to
 * that secret and none to the admin's, and the user put by the region's rabbitmq-users Job with
 * permission to publish to the exchange of each topic it produces and to read its queue
 * (`<topic>.<service>`) of each it consumes.
 */
function rabbitMqLink(service: ServiceFacts, stack: StackView, apps: StackView, { prefix, produced, consumed }: BrokerVariables): string | undefined {
  const { env, grants } = service;
  const username = env.get(`${prefix}USERNAME`);
  if (!env.has(`${prefix}SECRET_ARN`) || !username) return `no ${prefix}USERNAME and ${prefix}SECRET_ARN: it is given no broker credential`;
  const admins = stack
    .resources('aws_mq_broker')
    .flatMap((b) => (Array.isArray(b.values.user) ? b.values.user : [b.values.user]).map((u) => record(u)?.username));
  if (admins.includes(username)) return `it logs in as the broker admin (${username}); it must have a broker user of its own`;
  const adminSecrets = brokerAdminSecrets(stack);
  const secret = follow(apps, env.get(`${prefix}SECRET_ARN`));
  if (secret && adminSecrets.has(secret.resource.address))
    return `its environment names the broker admin secret (${secret.resource.address}); it must log in as its own user`;
  // By reference or by the ARN built from the secret's name (constructs/shared/arn.ts).
  const readable = (view: ResourceView) =>
    allows(
      grants,
      (a) => a === 'secretsmanager:GetSecretValue',
      (r) => namesSecret(r, view),
    );
  const admin = stack.resources('aws_secretsmanager_secret').find((view) => adminSecrets.has(view.address) && readable(view));
  if (admin) return `its role may read the broker admin secret ${admin.address}`;
  if (!secret || !readable(secret.resource)) return `its role may not read its broker password secret (secretsmanager:GetSecretValue on ${prefix}SECRET_ARN)`;
  const job = manifestsOf(apps, 'Job').find((j) => j.name.startsWith(RABBITMQ_USERS_JOB) && text(j.manifest).includes(`put_user '${username}'`));
  if (!job) return `no rabbitmq-users Job in ${apps.name} creates its broker user ${username}`;
  const permissions = rabbitMqPermissionsOf(job, username);
  if (!permissions) return `the rabbitmq-users Job in ${apps.name} gives ${username} no permissions the rule can read`;
  for (const topic of produced)
    if (!permits(permissions.write, topic))
      return `its broker user ${username} may not publish to the exchange ${topic} it produces (write ${String(permissions.write)})`;
  for (const topic of consumed) {
    const queue = `${topic}.${service.name}`;
    if (!permits(permissions.read, queue))
      return `its broker user ${username} may not read its queue ${queue} of the topic ${topic} it consumes (read ${String(permissions.read)})`;
  }
  return undefined;
}

/** The `env` of a pod's init container `name`, as a map. */
function initEnv(pod: Record<string, unknown>, name: string): Map<string, string> {
  const container = ((pod.initContainers as unknown[] | undefined) ?? []).map(record).find((c) => c?.name === name);
  return new Map(
    ((container?.env as unknown[] | undefined) ?? [])
      .map(record)
      .filter((e): e is Record<string, unknown> => typeof e?.name === 'string' && typeof e.value === 'string')
      .map((e) => [String(e.name), String(e.value)]),
  );
}

/** Whether `grants` may read the secret `id` is (a reference to a secret of `stack`, or a replica's name matched by an ARN pattern). */
function mayReadSecret(grants: readonly Grant[], stack: StackView, id: string): boolean {
  const secret = follow(stack, id);
  return allows(
    grants,
    (a) => a === 'secretsmanager:GetSecretValue',
    (r) => (secret ? r.includes(`\${${secret.resource.address}.`) : r.includes(`:secret:${id}-`)),
  );
}

const POOLER_PASSWORD_FILE = 'DATABASE_PASSWORD_SECRET';

/**
 * PostgreSQL behind PgBouncer (components.postgres.pooler): its own user, a password file of its
 * own fetched from its own secret, which the pooler's auth_file reads too, and the database-users
 * Job creates the user and sets that password; neither it nor the pooler may use the master secret.
 */
function poolerLink(service: ServiceFacts, stack: StackView, apps: StackView, environmentApps: readonly StackView[]): string | undefined {
  const { env, grants } = service;
  const user = env.get('DATABASE_USER');
  if (!user) return 'no DATABASE_USER: it has no database user of its own';
  if (env.get(`${POOLER_PASSWORD_FILE}_FILE`) === undefined) return `no ${POOLER_PASSWORD_FILE}_FILE: it is given no password for the pooler`;
  const fetch = initEnv(service.pod, 'fetch-secrets');
  const script = text(((service.pod.initContainers as unknown[] | undefined) ?? []).map(record).find((c) => c?.name === 'fetch-secrets')?.command);
  const index = new RegExp(`SECRET_ARN_(\\d+)"[^\\n]*> /run/secrets/${POOLER_PASSWORD_FILE}\\.tmp`).exec(script)?.[1];
  const secretId = index === undefined ? undefined : fetch.get(`SECRET_ARN_${index}`);
  if (!secretId) return `no fetch-secrets init container fetches its ${POOLER_PASSWORD_FILE}`;
  if (!mayReadSecret(grants, stack, secretId)) return `its role may not read its database password secret (secretsmanager:GetSecretValue on ${secretId})`;
  const host = env.get('DATABASE_HOST') ?? '';
  const poolerName = host.split('.')[0];
  const pooler = manifestsOf(apps, 'Deployment').find((d) => d.namespace === PRODUCT_NAMESPACE && d.name === poolerName);
  if (!pooler) return `no Deployment ${poolerName} in ${apps.name} serves DATABASE_HOST ${host}`;
  const poolerPod = podSpec(pooler);
  const userlist = initEnv(poolerPod, 'userlist');
  const listed = [...userlist.entries()].find(([name, value]) => /^USER_\d+$/.test(name) && value === user);
  if (!listed || userlist.get(listed[0].replace('USER_', 'SECRET_ID_')) !== secretId)
    return `the ${poolerName} Deployment's auth_file does not list ${user} with its password secret`;
  const association = stack
    .resources('aws_eks_pod_identity_association')
    .find((a) => a.values.namespace === PRODUCT_NAMESPACE && a.values.service_account === String(poolerPod.serviceAccountName ?? poolerName));
  const poolerRole = association ? stack.referenced(association.values.role_arn) : undefined;
  if (!poolerRole || !mayReadSecret(grantsOf(stack, poolerRole).grants, stack, secretId))
    return `the ${poolerName} role may not read ${user}'s password secret`;
  const job = [apps, ...environmentApps]
    .flatMap((a) => manifestsOf(a, 'Job'))
    .find((j) => j.name.startsWith('database-users-') && text(j.manifest).includes(`CREATE ROLE ${quoted(user)}`));
  if (!job) return `no database-users Job in ${apps.name} creates the user ${user}`;
  if (!text(job.manifest).includes(`ALTER ROLE ${quoted(user)} WITH PASSWORD`))
    return `the database-users Job does not set ${user}'s password, which PgBouncer logs in with`;
  return undefined;
}

/** The first missing link of `service` to `store`, or undefined when it has its credential. */
function missingLink(store: Store, service: ServiceFacts, stack: StackView, apps: StackView, environmentApps: readonly StackView[]): string | undefined {
  const { env, grants } = service;
  switch (store) {
    case 'database': {
      // Every instance it may be sent to: the primary, each read replica (DATABASE_READER_HOSTS) and a
      // cross-region standby (users replicate to it), each with its own resource id; an Aurora
      // cluster's id covers its writer and every reader.
      const databases = [...stack.resources('aws_db_instance'), ...stack.resources('aws_rds_cluster')];
      const user = env.get('DATABASE_USER');
      if (databases.length > 0) {
        if (env.has('DATABASE_SECRET_ARN')) return 'its environment names the master user secret (DATABASE_SECRET_ARN); it must log in as its own user';
        // Behind PgBouncer (an in-cluster host with password logins): the pooler logs in as the service's user.
        if (env.get('DATABASE_AUTH') === 'password' && (env.get('DATABASE_HOST') ?? '').endsWith('.svc.cluster.local'))
          return poolerLink(service, stack, apps, environmentApps);
        if (!user) return 'no DATABASE_USER: it has no database user of its own';
        const connect = (a: string) => a === 'rds-db:connect' || a === 'rds-db:*';
        // `dbuser:*/<user>` in the stack's region: every database there, the stack's included.
        const everyDatabase = allows(
          grants,
          connect,
          (r) => r.endsWith(`:dbuser:*/${user}`) && (stack.region === undefined || r.includes(`:rds-db:${stack.region}:`)),
        );
        if (everyDatabase) {
          const unique = stack.environment === undefined ? undefined : databaseUserName(stack.environment, service.name);
          if (user !== unique)
            return `its role may rds-db:connect as ${user} on every database of the region, and ${user} is not its environment's own user (${unique ?? 'the stack names no environment'}): another environment's database with a user of that name would let it in`;
        }
        for (const db of databases) {
          const ok = everyDatabase || allows(grants, connect, (r) => r.includes(`:dbuser:\${${db.address}.`) && r.endsWith(`/${user}`));
          if (!ok) return `its role may not rds-db:connect as ${user} on ${db.address}`;
        }
        // Active-passive regions: the primary region's Job creates the users, and they replicate to the standbys.
        const job = [apps, ...environmentApps]
          .flatMap((a) => manifestsOf(a, 'Job'))
          .find((j) => j.name.startsWith('database-users-') && text(j.manifest).includes(`CREATE ROLE ${quoted(user)}`));
        if (!job) return `no database-users Job in ${apps.name} creates the user ${user}`;
        return undefined;
      }
      // CockroachDB in the cluster: a client certificate signed by the cluster CA, and the user in the migrations.
      if (!user) return 'no DATABASE_USER: it has no CockroachDB user of its own';
      const signer = manifestsOf(apps, 'Job').find((j) => j.name.startsWith('cockroachdb-client-certs-'));
      const secret = service.secretVolumes.find((s) => signer !== undefined && text(signer.manifest).includes(`apply '${s}' '${user}'`));
      if (!signer) return `no cockroachdb-client-certs Job in ${apps.name} signs its client certificate`;
      if (!secret) return `its pods mount no client certificate Secret that the cockroachdb-client-certs Job writes for ${user}`;
      const migrations = environmentApps.flatMap((a) => manifestsOf(a, 'ConfigMap')).filter((c) => c.name === 'cockroachdb-migrations');
      if (!migrations.some((c) => text(c.manifest.data).includes(`CREATE USER IF NOT EXISTS ${quoted(user)}`)))
        return `no CockroachDB migration creates the user ${user}`;
      return undefined;
    }
    case 'queue':
    case 'kafka':
    case 'rabbitmq': {
      const prefix = store === 'queue' ? 'QUEUE_' : `${store.toUpperCase()}_`;
      const list = (name: string) => (env.get(`${prefix}${name}`) ?? '').split(',').filter((t) => t !== '');
      const variables = { prefix, produced: list('TOPICS_PRODUCED'), consumed: list('TOPICS_CONSUMED') };
      if (variables.produced.length + variables.consumed.length === 0)
        return `it names no topic (${prefix}TOPICS_PRODUCED, ${prefix}TOPICS_CONSUMED): it is given nothing to read or write`;
      const broker = store === 'queue' ? env.get('QUEUE_KIND') : store;
      if (broker === 'kafka') return kafkaLink(service, stack, apps, variables);
      return rabbitMqLink(service, stack, apps, variables);
    }
    case 'search': {
      if (
        !allows(
          grants,
          (a) => a.startsWith('es:ESHttp'),
          (r) => r.includes('aws_opensearch_domain.') || namesOf(stack, 'aws_opensearch_domain', 'domain_name').some((n) => r.includes(`:domain/${n}/`)),
        )
      )
        return 'its role may not send requests to the OpenSearch domain (es:ESHttp*)';
      const role = service.role;
      const admitted = stack
        .resources('aws_opensearch_domain_policy')
        .some((p) => role !== undefined && [`${role.address}.arn`, `${role.address}.name`].some((ref) => text(p.values.access_policies).includes(ref)));
      if (!admitted) return `the domain policy does not admit its role${role ? ` ${role.address}` : ''}`;
      const mapping = manifestsOf(apps, 'Job').find((j) => text(j.manifest).includes(`/_plugins/_security/api/rolesmapping/stagecraft-${service.name}'`));
      if (!mapping) return `no Job in ${apps.name} maps its role in fine-grained access control (rolesmapping/stagecraft-${service.name})`;
      return undefined;
    }
    case 'redis': {
      // IAM authentication (docs/data-protection.md): the role signs a token for its own user; no AUTH token exists.
      if ([...env.keys()].some((k) => /^REDIS_(AUTH_TOKEN|PASSWORD)$/.test(k)))
        return 'its environment carries a Redis password; it must authenticate with IAM';
      if (env.get('REDIS_AUTH') !== 'iam' || !env.has('REDIS_USER')) return 'no REDIS_AUTH=iam with a REDIS_USER: it is given no way to authenticate';
      if (
        !allows(
          grants,
          (a) => a === 'elasticache:Connect',
          (r) =>
            r.includes('aws_elasticache_replication_group.') ||
            namesOf(stack, 'aws_elasticache_replication_group', 'replication_group_id').some((n) => r.endsWith(`:replicationgroup:${n}`)),
        ) ||
        !allows(
          grants,
          (a) => a === 'elasticache:Connect',
          (r) => r.includes('aws_elasticache_user.'),
        )
      )
        return 'its role may not elasticache:Connect to the replication group as its user';
      return undefined;
    }
    case 'objectStorage': {
      // A bucket's objects: `arn:aws:s3:::<bucket>/…` when the environment gives aws.accountId (the
      // bucket name carries it), else a reference to a bucket of the stack, `${aws_s3_bucket.<id>.arn}/…`.
      const objectsOfABucket = (r: string) =>
        (r.startsWith('arn:') && r.includes(':s3:::') && r.includes('/')) ||
        (r.startsWith('${aws_s3_bucket.') && stack.referenced(r)?.type === 'aws_s3_bucket' && /^\$\{[^}]+\.arn\}\/./.test(r));
      if (!allows(grants, (a) => a === 's3:GetObject', objectsOfABucket) || !allows(grants, (a) => a === 's3:PutObject', objectsOfABucket))
        return 'its role may not read and write objects in the bucket (s3:GetObject, s3:PutObject)';
      return undefined;
    }
    case 'r2Assets':
    case 'r2Archive': {
      // The bucket-scoped R2 token the operator puts in the region's R2 writer secret (docs/edge.md).
      if (!env.has(`${R2_WRITER_SECRET}_FILE`)) return `no ${R2_WRITER_SECRET}_FILE: it is given no R2 writer credential`;
      if (!service.initContainers.includes('fetch-secrets')) return 'no fetch-secrets init container fetches its R2 writer credential';
      const secret = stack.resources('aws_secretsmanager_secret').find((s) => record(s.values.tags)?.[R2_WRITER_TAG] !== undefined);
      if (!secret) return `no R2 writer credential secret (tag ${R2_WRITER_TAG}) in ${stack.name}`;
      if (
        !allows(
          grants,
          (a) => a === 'secretsmanager:GetSecretValue',
          (r) => r.includes(`\${${secret.address}.`) || r.endsWith(`:secret:${text(secret.values.name)}-??????`),
        )
      )
        return `its role may not read the R2 writer credential ${secret.address} (secretsmanager:GetSecretValue)`;
      return undefined;
    }
  }
}

const HOST_USERS_SERVICE = 'database-users';

/** IMDS hop limit from which a container on Docker's bridge network reaches the instance's credentials (one hop more than the host). */
export const CONTAINER_IMDS_HOP_LIMIT = 2;

/** The stores a host container reaches with AWS credentials (the instance role's), by the variable that declares each. */
function awsStoresOf(env: Readonly<Record<string, string>>): Array<'redis' | 'objectStorage'> {
  return [
    ...(env.REDIS_AUTH === 'iam' || /aws_elasticache_/.test(env.REDIS_HOST ?? '') ? (['redis'] as const) : []),
    ...(env.ASSETS_BUCKET !== undefined ? (['objectStorage'] as const) : []),
  ];
}

/**
 * What a host's containers may do with AWS credentials: the instance role's grants, only when
 * the instance metadata service answers a container (hop limit ≥ 2: a container on Docker's
 * bridge network is one hop further than the host, and a response with hop limit 1 never reaches
 * it). A link missing on any host is named.
 */
function hostContainerIdentity(
  stack: StackView,
  templates: readonly ResourceView[],
): { grants: Grant[]; role?: ResourceView } | { missing: string } | { unresolved: string } {
  const grants: Grant[] = [];
  let role: ResourceView | undefined;
  for (const template of templates) {
    const hops = record(template.values.metadata_options)?.http_put_response_hop_limit;
    if (typeof hops !== 'number' || hops < CONTAINER_IMDS_HOP_LIMIT)
      return {
        missing: `its container cannot reach the instance metadata service (${template.address} metadata_options.http_put_response_hop_limit ${String(hops ?? 'unset')}; a container on Docker's bridge network needs ${CONTAINER_IMDS_HOP_LIMIT}), so it has no AWS credentials`,
      };
    const profile = stack.referenced(record(template.values.iam_instance_profile)?.arn ?? record(template.values.iam_instance_profile)?.name);
    const hostRole = profile ? stack.referenced(profile.values.role) : undefined;
    if (!hostRole) return { missing: `${template.address} gives the host no instance role, so its containers have no AWS credentials` };
    const read = grantsOf(stack, hostRole);
    if (read.unresolved) return { unresolved: read.unresolved };
    // Every host must allow it: the grants of the first host, then only what each further one also has (by statement text).
    if (role === undefined) grants.push(...read.grants);
    else for (const [i, g] of [...grants.entries()].reverse()) if (!read.grants.some((h) => JSON.stringify(h) === JSON.stringify(g))) grants.splice(i, 1);
    role = role ?? hostRole;
  }
  return { grants, role };
}

/**
 * Single-host stages (launch, traction): each compose service pointed at the database
 * (DATABASE_HOST) logs in as its own user with its own password file, never with the master
 * password, and starts only after the one-shot `database-users` service has created that user.
 */
function hostOutcomes(stack: StackView): StackOutcome[] {
  const outcomes: StackOutcome[] = [];
  // The compose project is the release object the hosts apply; older stacks carry it in user_data.
  const releases = stack.resources('aws_s3_object').filter((o) => typeof o.values.key === 'string' && RELEASE_COMPOSE_KEY.test(o.values.key));
  const sources = releases.length > 0 ? releases : stack.resources('aws_launch_template').filter((t) => t.values.user_data !== undefined);
  for (const template of sources) {
    const services = template.type === 'aws_s3_object' ? releaseComposeServices(template) : hostComposeServices(template);
    if (!services) {
      outcomes.push({
        status: 'could-not-evaluate',
        message: `${template.address} holds no compose project the rule can read`,
        address: template.address,
      });
      continue;
    }
    const users = services[HOST_USERS_SERVICE];
    const script = composeText(Object.values(users?.environment ?? {}).join('\n'));
    const masterFile = users?.secrets?.[0];
    for (const [name, service] of Object.entries(services)) {
      const env = service.environment ?? {};
      if (name === HOST_USERS_SERVICE || env.DATABASE_HOST === undefined) continue;
      const where = `service ${name} → database (stack ${stack.name}, ${template.address})`;
      const user = env.DATABASE_USER;
      const passwordFile = env.DATABASE_PASSWORD_SECRET_FILE?.replace(/^\/run\/secrets\//, '');
      const missing =
        env.DATABASE_SECRET_FILE !== undefined || (masterFile !== undefined && (service.secrets ?? []).includes(masterFile))
          ? 'it is handed the master password (DATABASE_SECRET_FILE or the master secret file); it must log in as its own user'
          : !user
            ? 'no DATABASE_USER: it has no database user of its own'
            : !passwordFile || !(service.secrets ?? []).includes(passwordFile)
              ? 'it mounts no password file of its own (DATABASE_PASSWORD_SECRET_FILE)'
              : !script.includes(`CREATE ROLE ${quoted(user)}`)
                ? `no ${HOST_USERS_SERVICE} service on the host creates the user ${user}`
                : service.depends_on?.[HOST_USERS_SERVICE]?.condition !== 'service_completed_successfully'
                  ? `it may start before the ${HOST_USERS_SERVICE} service has created its user (depends_on ${HOST_USERS_SERVICE}: service_completed_successfully)`
                  : undefined;
      outcomes.push(
        missing === undefined
          ? { status: 'compliant', address: template.address }
          : { status: 'non-compliant', message: `${where}: ${missing}`, address: template.address },
      );
    }
    outcomes.push(...hostBrokerOutcomes(stack, template.address, services));
    // Stores reached with AWS credentials (IAM auth to ElastiCache, S3): the instance role's, through IMDS.
    const hostTemplates = stack
      .resources('aws_instance')
      .map((i) => launchTemplateOf(i, stack))
      .filter((t): t is ResourceView => t !== undefined);
    const identity = hostContainerIdentity(stack, hostTemplates.length > 0 ? hostTemplates : stack.resources('aws_launch_template'));
    for (const [name, service] of Object.entries(services)) {
      const env = service.environment ?? {};
      for (const store of awsStoresOf(env)) {
        const where = `service ${name} → ${store} (stack ${stack.name}, ${template.address})`;
        if ('unresolved' in identity) {
          outcomes.push({
            status: 'could-not-evaluate',
            message: `${where}: ${identity.unresolved} is an unresolved expression; the rule needs the policy`,
            address: template.address,
          });
          continue;
        }
        const missing =
          'missing' in identity
            ? identity.missing
            : missingLink(
                store,
                { name, env: new Map(Object.entries(env)), secretVolumes: [], initContainers: [], grants: identity.grants, role: identity.role, pod: {} },
                stack,
                stack,
                [],
              );
        outcomes.push(
          missing === undefined
            ? { status: 'compliant', address: template.address }
            : { status: 'non-compliant', message: `${where}: ${missing}`, address: template.address },
        );
      }
    }
  }
  return outcomes.length > 0
    ? outcomes
    : [{ status: 'not-applicable', reason: `no ${stack.name}-apps stack and no host service declares the database, Redis with IAM or S3` }];
}

/**
 * RabbitMQ on hosts (traction): each compose service pointed at the broker (QUEUE_KIND rabbitmq,
 * or RABBITMQ_ENDPOINT) logs in as its own broker user, never the admin, with a password file of
 * its own that no other product service mounts, never the admin's file, and starts only after the
 * one-shot `rabbitmq-users` service has put that user with permission to publish to each topic it
 * produces and read its queue of each it consumes.
 */
function hostBrokerOutcomes(stack: StackView, address: string, services: Record<string, HostComposeService>): StackOutcome[] {
  const users = services[HOST_BROKER_USERS_SERVICE];
  const script = composeText(
    Object.values(users?.environment ?? {}).join('\n') + '\n' + ((users as { entrypoint?: string[] } | undefined)?.entrypoint ?? []).join('\n'),
  );
  const adminFile = users?.secrets?.[0];
  const admins = stack
    .resources('aws_mq_broker')
    .flatMap((b) => (Array.isArray(b.values.user) ? b.values.user : [b.values.user]).map((u) => record(u)?.username));
  const outcomes: StackOutcome[] = [];
  for (const [name, service] of Object.entries(services)) {
    const env = service.environment ?? {};
    const prefix = env.QUEUE_KIND === 'rabbitmq' ? 'QUEUE_' : env.QUEUE_KIND === undefined && env.RABBITMQ_ENDPOINT !== undefined ? 'RABBITMQ_' : undefined;
    if (name === HOST_BROKER_USERS_SERVICE || prefix === undefined) continue;
    const user = env[`${prefix}USERNAME`];
    const file = env[`${prefix}SECRET_FILE`]?.replace(/^\/run\/secrets\//, '');
    const mounts = (service.secrets ?? []).map((s) => (typeof s === 'string' ? s : String(record(s)?.source)));
    const sharers = file
      ? Object.entries(services).filter(([other, o]) => other !== name && other !== HOST_BROKER_USERS_SERVICE && (o.secrets ?? []).includes(file))
      : [];
    const line = script.split('\n').find((l) => user !== undefined && l.startsWith(`put_user '${user}' `));
    const variable = line ? /"\$(RABBITMQ_PERMISSIONS_\d+)"$/.exec(line)?.[1] : undefined;
    let permissions: { write?: unknown; read?: unknown } | undefined;
    try {
      permissions = variable && users?.environment?.[variable] ? (record(JSON.parse(composeText(users.environment[variable]))) ?? undefined) : undefined;
    } catch {
      permissions = undefined;
    }
    const produced = (env[`${prefix}TOPICS_PRODUCED`] ?? '').split(',').filter(Boolean);
    const consumed = (env[`${prefix}TOPICS_CONSUMED`] ?? '').split(',').filter(Boolean);
    const missing = !user
      ? `no ${prefix}USERNAME: it has no broker user of its own`
      : admins.includes(user)
        ? `it logs in as the broker admin (${user}); it must have a broker user of its own`
        : adminFile !== undefined && mounts.includes(adminFile)
          ? `it mounts the broker admin's password file (${adminFile}); it must log in as its own user`
          : !file || !mounts.includes(file)
            ? `it mounts no password file of its own (${prefix}SECRET_FILE)`
            : sharers.length > 0
              ? `its password file ${file} is mounted by ${sharers.map(([n]) => n).join(', ')} too`
              : line === undefined || !line.includes(` '${file}' `)
                ? `no ${HOST_BROKER_USERS_SERVICE} service on the host puts its broker user ${user} with its password file ${file}`
                : service.depends_on?.[HOST_BROKER_USERS_SERVICE]?.condition !== 'service_completed_successfully'
                  ? `it may start before the ${HOST_BROKER_USERS_SERVICE} service has put its user (depends_on ${HOST_BROKER_USERS_SERVICE}: service_completed_successfully)`
                  : !permissions
                    ? `the ${HOST_BROKER_USERS_SERVICE} service gives ${user} no permissions the rule can read`
                    : (produced.find((t) => !permits(permissions!.write, t)) ?? consumed.find((t) => !permits(permissions!.read, `${t}.${name}`))) !== undefined
                      ? `its broker user ${user} may not publish to each topic it produces (write ${String(permissions.write)}) and read its queue of each it consumes (read ${String(permissions.read)})`
                      : undefined;
    outcomes.push(
      missing === undefined
        ? { status: 'compliant', address }
        : { status: 'non-compliant', message: `service ${name} → queue (stack ${stack.name}, ${address}): ${missing}`, address },
    );
  }
  return outcomes;
}

export const DataStoreCredential: StackRule = {
  id: 'SC-REQ-3',
  name: 'DataStoreCredential',
  family: 'request-path',
  scope: 'stack',
  description:
    'Every product service has a credential of its own for every data store it declares: on cluster stages its database user (IAM or client certificate, on every replica; behind PgBouncer a password of its own that the auth_file of the pooler and the database-users Job use), MSK IAM actions on its Kafka topics (which a Job creates), its own RabbitMQ user (never the admin) with permissions on its RabbitMQ topics, for each broker it uses, an OpenSearch role mapping, and read access to the secrets it is pointed at; on hosts its own database user and password file, never the master password, its own RabbitMQ user and password file put by the one-shot rabbitmq-users service, never the admin, and for Redis with IAM and S3 the grants of the instance role, with an IMDS hop limit (2) that reaches the containers; and the R2 writer credential for the R2 buckets it writes.',
  evaluate(stack) {
    if (!stack.region) return [{ status: 'not-applicable', reason: 'not a regional stack' }];
    const apps = stack.environmentStacks().find((s) => s.name === `${stack.name}-apps`);
    if (!apps) return hostOutcomes(stack);
    const environmentApps = stack.environmentStacks().filter((s) => s.name.endsWith('-apps'));
    const deployments = [...manifestsOf(apps, 'Deployment'), ...manifestsOf(apps, 'CronJob')].filter((d) => d.namespace === PRODUCT_NAMESPACE);
    if (deployments.length === 0) return [{ status: 'not-applicable', reason: `${apps.name} runs no product Deployment` }];
    const associations = stack.resources('aws_eks_pod_identity_association').filter((a) => a.values.namespace === PRODUCT_NAMESPACE);
    const outcomes: StackOutcome[] = [];
    for (const deployment of deployments) {
      const env = containerEnv(deployment);
      const secretVolumes = ((podSpec(deployment).volumes as unknown[] | undefined) ?? [])
        .map((v) => record(record(v)?.secret)?.secretName)
        .filter((n): n is string => typeof n === 'string');
      const initContainers = ((podSpec(deployment).initContainers as unknown[] | undefined) ?? [])
        .map((c) => record(c)?.name)
        .filter((n): n is string => typeof n === 'string');
      const serviceAccount = String(podSpec(deployment).serviceAccountName ?? deployment.name);
      const association = associations.find((a) => a.values.service_account === serviceAccount);
      const role = association ? stack.referenced(association.values.role_arn) : undefined;
      const read = role ? grantsOf(stack, role) : { grants: [] };
      const stores = (Object.keys(DECLARED_BY) as Store[]).filter((store) => declares(store, env));
      for (const store of stores) {
        const where = `service ${deployment.name} → ${store} (stack ${stack.name})`;
        const address = role?.address ?? association?.address;
        if (read.unresolved) {
          outcomes.push({
            status: 'could-not-evaluate',
            message: `${where}: ${read.unresolved} is an unresolved expression; the rule needs the policy`,
            address,
          });
          continue;
        }
        const missing = role
          ? missingLink(
              store,
              { name: deployment.name, env, secretVolumes, initContainers, grants: read.grants, role, pod: podSpec(deployment) },
              stack,
              apps,
              environmentApps,
            )
          : `no Pod Identity association gives service account ${PRODUCT_NAMESPACE}/${serviceAccount} an IAM role`;
        outcomes.push(missing === undefined ? { status: 'compliant', address } : { status: 'non-compliant', message: `${where}: ${missing}`, address });
      }
    }
    return outcomes.length > 0 ? outcomes : [{ status: 'not-applicable', reason: 'no product service declares a data store' }];
  },
};
