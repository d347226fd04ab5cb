/**
 * Deploy-time Jobs for settings the AWS provider cannot manage (issue 17), in the `operations`
 * namespace, each re-created when what it applies changes (its name carries a hash):
 * - `search-index-rotation`: applies the OpenSearch Index State Management policy that rolls the
 *   product's indices over monthly, signing its request with SigV4 (curl --aws-sigv4) as the
 *   domain's fine-grained-access master role, which its own Pod Identity role may only assume;
 *   as that role it also puts each search service's role (its own `product-<service>` indices)
 *   and maps it to the service's IAM role, so fine-grained access control admits the service.
 * - `rabbitmq-dead-letters`: declares the `dlx` exchange and `dead-letters` queue and applies a
 *   policy that dead-letters every other queue's rejected or expired messages to it, through the
 *   broker's management API with the admin secret (read at run time, never in the manifest).
 * - `database-users`: creates each service's PostgreSQL user, schema and grants on every RDS or
 *   Aurora writer (services/platform/database-users.ts), as the master user, whose password an
 *   init container reads from the RDS-managed secret at run time into a memory-backed volume;
 *   psql runs in the PostgreSQL client image.
 * - `kafka-topics`: creates the Kafka topics the services use (MSK's topic API, through the AWS CLI).
 * - `rabbitmq-users`: declares the RabbitMQ exchanges and queues of the services' topics and
 *   puts a broker user per service with least privilege, through the management API as the admin.
 * They run the AWS CLI image (Amazon Linux, with curl) as a non-root user.
 *
 * No `ttlSecondsAfterFinished`: terraform manages these Jobs (`kubernetes_job_v1`), and when the
 * cluster's TTL controller deletes a finished Job, the provider's read finds it gone, drops it from
 * state, and the next plan creates it again: the Job would re-run on every apply a day after it
 * finished. A finished Job stays until a change of what it applies replaces it (SC-PRE-16).
 *
 * The Jobs that make what a service needs (its database or broker user, its topics, its search
 * role) say so in `stagecraft.io/provisions` (synthesis/kubernetes-provisions.ts): the apps stack
 * orders every workload that needs one after its Job, and guardrail SC-K8S-9 checks it. Each Job
 * has a deadline (`OPERATIONS_JOB_DEADLINE_SECONDS`, retries included), so its worst case is
 * bounded; terraform waits for its completion longer than that (kubernetes-object-resource.ts),
 * so an apply reports success only once every user and topic exists, and a failed Job fails it.
 */
import { createHash } from 'node:crypto';
import { terraformLiteral } from '../../synthesis/terraform-literal';
import { provision, provisionsAnnotation } from '../../synthesis/kubernetes-provisions';
import { KubernetesObject } from '../kubernetes/object';
import { POSTGRES_DATABASE } from './database-users';
import { KafkaTopic } from './queue-topology';
import { hardenedContainerSecurity, hardenedPodSecurity } from '../kubernetes/security-context';

export const OPERATIONS_NAMESPACE = 'operations';
export const SEARCH_ROTATION_JOB = 'search-index-rotation';
export const RABBITMQ_DLQ_JOB = 'rabbitmq-dead-letters';
export const DATABASE_USERS_JOB = 'database-users';
/** psql for the database-users Job; a newer client talks to every older server. */
export const POSTGRES_CLIENT_IMAGE = 'public.ecr.aws/docker/library/postgres:17.2-alpine';
/** The variable that carries the users script (tests and readiness read it). */
export const DATABASE_USERS_SQL_ENV = 'DATABASE_USERS_SQL';
export const AWS_CLI_IMAGE = 'public.ecr.aws/aws-cli/aws-cli:2.22.35';
/**
 * The kafka-topics Job's CLI: `aws kafka create-topic` and `update-topic` (MSK's topic API) came
 * with AWS CLI 2.33.19 (botocore model of 2026-02-10; `describe-topic` is older). The CLI signs
 * the cluster ARN in the path as SigV4 wants it for non-S3 services (each segment encoded twice in
 * the canonical request); the curl of the Amazon Linux 2 image signs the raw path, and MSK refuses
 * it (curl#16927, fixed by curl#17129). SC-PRE-18.
 */
export const KAFKA_TOPICS_CLI_IMAGE = 'public.ecr.aws/aws-cli/aws-cli:2.34.0';
/** Environment variables that carry what the Jobs apply (readiness reads them). */
export const ISM_POLICY_ENV = 'ISM_POLICY';
export const RABBITMQ_POLICY_ENV = 'RABBITMQ_DEAD_LETTER_POLICY';
const UID = 10001;
/**
 * How long an operations Job may run, its retries included, before the cluster fails it: each
 * makes a few API calls to a store the regional stack created before this stack, so minutes are
 * its normal case; the deadline bounds a broker that does not answer.
 */
export const OPERATIONS_JOB_DEADLINE_SECONDS = 1800;

/** Seed 004: monthly rollover; indices are deleted after 13 months. */
export const ISM_ROLLOVER_AGE = '30d';
export const ISM_DELETE_AGE = '395d';
/** Index pattern the policy attaches to; the application writes through rollover aliases of it. */
export const SEARCH_INDEX_PATTERN = 'product-*';

export function ismPolicy(): Record<string, unknown> {
  return {
    policy: {
      description: `Stagecraft: roll ${SEARCH_INDEX_PATTERN} over every ${ISM_ROLLOVER_AGE} (or at 50 GB a primary shard), delete after ${ISM_DELETE_AGE}`,
      default_state: 'hot',
      states: [
        {
          name: 'hot',
          actions: [{ rollover: { min_index_age: ISM_ROLLOVER_AGE, min_primary_shard_size: '50gb' } }],
          transitions: [{ state_name: 'delete', conditions: { min_index_age: ISM_DELETE_AGE } }],
        },
        { name: 'delete', actions: [{ delete: {} }], transitions: [] },
      ],
      ism_template: [{ index_patterns: [SEARCH_INDEX_PATTERN], priority: 100 }],
    },
  };
}

/** Dead-letter every queue but the dead-letter queue itself to the `dlx` exchange. */
export function rabbitMqDeadLetterPolicy(): Record<string, unknown> {
  return { pattern: '^(?!dead-letters$).*', 'apply-to': 'queues', priority: 0, definition: { 'dead-letter-exchange': 'dlx' } };
}

const hashOf = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 8);
const labels = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'stagecraft' });

/** What every operations container gets: the hardened security context and small, bounded resources. */
const hardened = (container: Record<string, unknown>) => ({
  ...container,
  securityContext: hardenedContainerSecurity(UID),
  resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
});

/**
 * An operations Job named `<name>-<hash>` and its ServiceAccount: the shell every operations Job
 * shares (namespace, labels, retries, deadline, hardened pod), around the pod's own containers and
 * volumes. `made` names what it makes in a data store (`provision.*`), for the workloads that need it.
 */
function operationsJob(name: string, hash: string, made: readonly string[], pod: Record<string, unknown>): KubernetesObject[] {
  const annotations = provisionsAnnotation(made);
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: OPERATIONS_NAMESPACE, labels: labels(name) } },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: `${name}-${hash}`,
        namespace: OPERATIONS_NAMESPACE,
        labels: labels(name),
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      },
      spec: {
        backoffLimit: 6,
        activeDeadlineSeconds: OPERATIONS_JOB_DEADLINE_SECONDS,
        template: {
          metadata: { labels: labels(name) },
          spec: { serviceAccountName: name, restartPolicy: 'OnFailure', securityContext: hardenedPodSecurity(UID), ...pod },
        },
      },
    },
  ];
}

/**
 * A Job and its ServiceAccount. `applies` (what the Job applies) and the script name the Job:
 * the other variables hold cross-stack references, whose placeholders differ between syntheses.
 */
function job(
  name: string,
  env: Record<string, string>,
  script: string,
  applies: unknown,
  made: readonly string[] = [],
  image: string = AWS_CLI_IMAGE,
): KubernetesObject[] {
  return operationsJob(name, hashOf({ applies, script }), made, {
    containers: [
      hardened({
        name,
        image,
        // Terraform reads every string as a template: `%{http_code}` must reach the shell as written.
        command: ['/bin/sh', '-c', terraformLiteral(script)],
        env: [{ name: 'HOME', value: '/tmp' }, ...Object.entries(env).map(([k, value]) => ({ name: k, value }))],
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      }),
    ],
    volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
  });
}

/** The namespace the operations Jobs run in. */
export function operationsNamespace(): KubernetesObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: OPERATIONS_NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'stagecraft' } } };
}

/** Where the ISM Job applies its policy. */
export interface SearchRotationTarget {
  readonly region: string;
  /** Host of the domain's VPC endpoint. */
  readonly endpoint: string;
  /** The fine-grained access control master role the Job assumes. */
  readonly masterRoleArn: string;
  /** Services that declare search and their IAM role ARNs: each gets a role on its own indices, mapped to its IAM role. @default none */
  readonly clients?: ReadonlyArray<{ readonly service: string; readonly roleArn: string }>;
}

/** A service's indices and rollover aliases start with this (`product-<service>`), inside SEARCH_INDEX_PATTERN. */
export function searchIndexPrefix(service: string): string {
  return `product-${service}`;
}

/** The fine-grained access control role of a service and its mapping's environment variables. */
export function searchRoleName(service: string): string {
  return `stagecraft-${service}`;
}

/**
 * A service's OpenSearch role: read, write and manage (create, alias, roll over) its own
 * indices, and the cluster's composite read and write operations (_bulk, _msearch, _mget) that
 * resolve to index permissions; nothing on another service's indices or on the cluster.
 */
export function searchServiceRole(service: string): Record<string, unknown> {
  return {
    description: `Stagecraft: ${service} on its own indices`,
    cluster_permissions: ['cluster_composite_ops', 'cluster_monitor'],
    index_permissions: [
      {
        index_patterns: [`${searchIndexPrefix(service)}-*`, searchIndexPrefix(service)],
        allowed_actions: ['crud', 'create_index', 'manage_aliases', 'indices:admin/rollover', 'indices:admin/mapping/put', 'indices_monitor'],
      },
    ],
  };
}

/** Variables of the search Job that carry client `i`'s role and mapping. */
export const searchRoleEnv = (i: number) => ({ role: `SEARCH_ROLE_${i}`, mapping: `SEARCH_ROLE_MAPPING_${i}` });

export function searchRotationObjects(target: SearchRotationTarget): KubernetesObject[] {
  const clients = target.clients ?? [];
  // PUT creates the policy; on 409 (it exists) the script reads seq_no/primary_term and updates it.
  const script = [
    'set -eu',
    'creds=$(aws sts assume-role --role-arn "$MASTER_ROLE_ARN" --role-session-name ism --query "Credentials.[AccessKeyId,SecretAccessKey,SessionToken]" --output text)',
    'set -- $creds',
    'url="https://$SEARCH_ENDPOINT/_plugins/_ism/policies/stagecraft-rollover"',
    'code=$(curl -sS -o /tmp/out -w "%{http_code}" --aws-sigv4 "aws:amz:$AWS_REGION:es" --user "$1:$2" -H "x-amz-security-token: $3" -H "content-type: application/json" -X PUT "$url" -d "$ISM_POLICY")',
    'if [ "$code" = 409 ]; then',
    '  meta=$(curl -sS --aws-sigv4 "aws:amz:$AWS_REGION:es" --user "$1:$2" -H "x-amz-security-token: $3" "$url" | sed -n \'s/.*"_seq_no":\\([0-9]*\\),"_primary_term":\\([0-9]*\\).*/if_seq_no=\\1\\&if_primary_term=\\2/p\')',
    '  code=$(curl -sS -o /tmp/out -w "%{http_code}" --aws-sigv4 "aws:amz:$AWS_REGION:es" --user "$1:$2" -H "x-amz-security-token: $3" -H "content-type: application/json" -X PUT "$url?$meta" -d "$ISM_POLICY")',
    'fi',
    'cat /tmp/out; echo',
    'case "$code" in 200|201) echo "ISM policy applied ($code)";; *) echo "ISM policy not applied: HTTP $code" >&2; exit 1;; esac',
    // Roles and mappings: PUT creates or replaces, so a re-run converges.
    'put() { code=$(curl -sS -o /tmp/out -w "%{http_code}" --aws-sigv4 "aws:amz:$AWS_REGION:es" --user "$1:$2" -H "x-amz-security-token: $3" -H "content-type: application/json" -X PUT "https://$SEARCH_ENDPOINT$4" -d "$5"); case "$code" in 200|201) echo "$4 applied";; *) cat /tmp/out; echo "$4 not applied: HTTP $code" >&2; exit 1;; esac; }',
    ...clients.flatMap(({ service }, i) => {
      const env = searchRoleEnv(i);
      return [
        `put "$1" "$2" "$3" '/_plugins/_security/api/roles/${searchRoleName(service)}' "$${env.role}"`,
        `put "$1" "$2" "$3" '/_plugins/_security/api/rolesmapping/${searchRoleName(service)}' "$${env.mapping}"`,
      ];
    }),
  ].join('\n');
  const roles = clients.map(({ service }) => ({ name: searchRoleName(service), role: searchServiceRole(service) }));
  return job(
    SEARCH_ROTATION_JOB,
    {
      AWS_REGION: target.region,
      SEARCH_ENDPOINT: target.endpoint,
      MASTER_ROLE_ARN: target.masterRoleArn,
      [ISM_POLICY_ENV]: JSON.stringify(ismPolicy()),
      ...Object.fromEntries(
        clients.flatMap(({ service, roleArn }, i) => [
          [searchRoleEnv(i).role, JSON.stringify(searchServiceRole(service))],
          [searchRoleEnv(i).mapping, JSON.stringify({ backend_roles: [roleArn] })],
        ]),
      ),
    },
    script,
    clients.length === 0 ? ismPolicy() : { ism: ismPolicy(), roles },
    clients.map(({ service }) => provision.searchAccess(searchIndexPrefix(service))),
  );
}

/** Where the dead-letter Job applies its policy. */
export interface RabbitMqTarget {
  readonly region: string;
  /** The broker's management console URL (`https://…mq.<region>.amazonaws.com`). */
  readonly consoleUrl: string;
  readonly username: string;
  /** Secrets Manager ARN of the admin password. */
  readonly passwordSecretArn: string;
}

/**
 * The management API calls that declare the dead-letter exchange and queue and apply the policy
 * (its JSON in RABBITMQ_POLICY_ENV), through a shell function `api` (curl as the admin) and
 * `$RABBITMQ_CONSOLE_URL`: the cluster's Job and the hosts' one-shot service run the same calls.
 */
export function rabbitMqDeadLetterCalls(): string[] {
  return [
    'api -X PUT "$RABBITMQ_CONSOLE_URL/api/exchanges/%2F/dlx" -d \'{"type":"fanout","durable":true}\'',
    'api -X PUT "$RABBITMQ_CONSOLE_URL/api/queues/%2F/dead-letters" -d \'{"durable":true}\'',
    'api -X POST "$RABBITMQ_CONSOLE_URL/api/bindings/%2F/e/dlx/q/dead-letters" -d \'{"routing_key":""}\'',
    `api -X PUT "$RABBITMQ_CONSOLE_URL/api/policies/%2F/dead-letter" -d "$${RABBITMQ_POLICY_ENV}"`,
  ];
}

/** The management API calls that declare the topics' exchanges and each consumer's queue and binding (as `rabbitMqDeadLetterCalls`). */
export function rabbitMqTopologyCalls(topology: RabbitMqUsersTarget['topology']): string[] {
  return [
    ...topology.exchanges.map((e) => `api -X PUT "$RABBITMQ_CONSOLE_URL/api/exchanges/%2F/${e}" -d '{"type":"fanout","durable":true}'`),
    ...topology.bindings.flatMap(({ exchange, queue }) => [
      `api -X PUT "$RABBITMQ_CONSOLE_URL/api/queues/%2F/${queue}" -d '{"durable":true}'`,
      `api -X POST "$RABBITMQ_CONSOLE_URL/api/bindings/%2F/e/${exchange}/q/${queue}" -d '{"routing_key":""}'`,
    ]),
  ];
}

/**
 * The shell function `put_user <user> <password source> <permissions JSON>` (as `rabbitMqDeadLetterCalls`):
 * puts the user (no tags: no management access) and its permissions on `/`. `readPassword` is the
 * command that prints the password from `$2` (a secret ARN in the cluster's Job, a secret file on
 * the hosts). The password must be the generated hex (GeneratedSecret), so it needs no JSON escaping.
 */
export function rabbitMqPutUserFunction(readPassword: string): string {
  return `put_user() { pw=$(${readPassword}); case "$pw" in *[!0-9a-f]*|"") echo "the password of $1 is not the generated hex" >&2; exit 1;; esac; api -X PUT "$RABBITMQ_CONSOLE_URL/api/users/$1" -d "{\\"password\\":\\"$pw\\",\\"tags\\":\\"\\"}"; api -X PUT "$RABBITMQ_CONSOLE_URL/api/permissions/%2F/$1" -d "$3"; echo "user $1 applied"; }`;
}

export function rabbitMqDeadLetterObjects(target: RabbitMqTarget): KubernetesObject[] {
  const script = [
    'set -eu',
    'password=$(aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "$RABBITMQ_SECRET_ARN" --query SecretString --output text)',
    'api() { curl -sS --fail-with-body -u "$RABBITMQ_USERNAME:$password" -H "content-type: application/json" "$@"; }',
    ...rabbitMqDeadLetterCalls(),
    'echo "dead-letter policy applied"',
  ].join('\n');
  return job(
    RABBITMQ_DLQ_JOB,
    {
      AWS_REGION: target.region,
      RABBITMQ_CONSOLE_URL: target.consoleUrl,
      RABBITMQ_USERNAME: target.username,
      RABBITMQ_SECRET_ARN: target.passwordSecretArn,
      [RABBITMQ_POLICY_ENV]: JSON.stringify(rabbitMqDeadLetterPolicy()),
    },
    script,
    rabbitMqDeadLetterPolicy(),
  );
}

/** Where the database-users Job creates the users. */
export interface DatabaseUsersTarget {
  readonly region: string;
  /** Each database's writer and the ARN of its RDS-managed master secret, in the same order. */
  readonly databases: ReadonlyArray<{ readonly host: string; readonly masterSecretArn: string }>;
  /** The script (`databaseUsersSql`). */
  readonly sql: string;
  /** The users the script creates, for the workloads that log in as them. @default none named */
  readonly users?: readonly string[];
  /**
   * Behind PgBouncer: each service's password secret, read into `databasePasswordFile(i)` (i its
   * position here) for the script's `passwordFiles`. @default none: IAM logins
   */
  readonly passwords?: ReadonlyArray<{ readonly user: string; readonly secretArn: string }>;
  /** The passwords' version (components.postgres.pooler.passwordVersion): part of the Job's name, so a rotation runs it again. @default none */
  readonly passwordVersion?: number;
}

/** Where the database-users Job's init container writes the password of `passwords[i]`. */
export const databasePasswordFile = (i: number): string => `/secrets/db-password-${i}`;

/**
 * The database-users Job: an init container (AWS CLI) reads each master secret's user and
 * password into a memory-backed volume; psql then applies the script to each writer in one
 * transaction over TLS. Named after the script (and the passwords' version), so a changed script
 * or a rotation is a new Job.
 */
export function databaseUsersObjects(target: DatabaseUsersTarget): KubernetesObject[] {
  const name = DATABASE_USERS_JOB;
  // RDS passwords hold no double quote; a backslash is escaped in the JSON, so `\\` becomes `\`.
  const field = (key: string) => `sed -n 's/.*"${key}"[[:space:]]*:[[:space:]]*"\\([^"]*\\)".*/\\1/p' /secrets/json | sed 's/\\\\\\\\/\\\\/g'`;
  const fetch = [
    'set -eu',
    'i=0',
    'for arn in $(echo "$MASTER_SECRET_ARNS" | tr "," " "); do',
    '  aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "$arn" --query SecretString --output text > /secrets/json',
    `  ${field('username')} > /secrets/user-$i`,
    `  ${field('password')} > /secrets/password-$i`,
    '  rm -f /secrets/json',
    '  [ -s /secrets/password-$i ] || { echo "no password in $arn" >&2; exit 1; }',
    '  i=$((i+1))',
    'done',
    // Behind PgBouncer: each service's own password, which the script sets on its user.
    ...(target.passwords ?? []).map(
      (_, i) =>
        `aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "$PASSWORD_SECRET_ARN_${i}" --query SecretString --output text > ${databasePasswordFile(i)}`,
    ),
  ].join('\n');
  const apply = [
    'set -eu',
    'i=0',
    'for host in $(echo "$DATABASE_HOSTS" | tr "," " "); do',
    `  printf '%s' "$${DATABASE_USERS_SQL_ENV}" | PGPASSWORD="$(cat /secrets/password-$i)" psql "host=$host port=$DATABASE_PORT dbname=$DATABASE_NAME user=$(cat /secrets/user-$i) sslmode=require connect_timeout=10" -X -q --single-transaction -v ON_ERROR_STOP=1 -f -`,
    '  echo "users applied on $host"',
    '  i=$((i+1))',
    'done',
  ].join('\n');
  const secrets = { name: 'secrets', mountPath: '/secrets' };
  const made = (target.users ?? []).map(provision.databaseUser);
  const version = target.passwords && target.passwordVersion !== undefined ? { passwordVersion: target.passwordVersion } : {};
  return operationsJob(name, hashOf({ sql: target.sql, fetch, apply, databases: target.databases.length, ...version }), made, {
    initContainers: [
      hardened({
        name: 'master-secret',
        image: AWS_CLI_IMAGE,
        command: ['/bin/sh', '-c', terraformLiteral(fetch)],
        env: [
          { name: 'HOME', value: '/tmp' },
          { name: 'AWS_REGION', value: target.region },
          { name: 'MASTER_SECRET_ARNS', value: target.databases.map((d) => d.masterSecretArn).join(',') },
          ...(target.passwords ?? []).map((p, i) => ({ name: `PASSWORD_SECRET_ARN_${i}`, value: p.secretArn })),
        ],
        volumeMounts: [secrets, { name: 'tmp', mountPath: '/tmp' }],
      }),
    ],
    containers: [
      hardened({
        name,
        image: POSTGRES_CLIENT_IMAGE,
        command: ['/bin/sh', '-c', terraformLiteral(apply)],
        env: [
          { name: 'HOME', value: '/tmp' },
          { name: 'DATABASE_HOSTS', value: target.databases.map((d) => d.host).join(',') },
          { name: 'DATABASE_PORT', value: '5432' },
          { name: 'DATABASE_NAME', value: POSTGRES_DATABASE },
          { name: DATABASE_USERS_SQL_ENV, value: terraformLiteral(target.sql) },
        ],
        volumeMounts: [
          { ...secrets, readOnly: true },
          { name: 'tmp', mountPath: '/tmp' },
        ],
      }),
    ],
    volumes: [
      { name: 'secrets', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
    ],
  });
}

export const KAFKA_TOPICS_JOB = 'kafka-topics';
/** The variable that lists the topics the Job creates, one `<name> <partitions> <replication factor>` a line. */
export const KAFKA_TOPICS_ENV = 'KAFKA_TOPICS';

/** Where the topics Job creates the topics. */
export interface KafkaTopicsTarget {
  readonly region: string;
  readonly clusterArn: string;
  readonly topics: readonly KafkaTopic[];
}

/**
 * The kafka-topics Job: creates each topic the services use through MSK's topic API
 * (CreateTopic, Kafka 3.6 and later) with the AWS CLI, as its Pod Identity role, which may only
 * connect and create, describe and alter exactly these topics (the brokers refuse to create topics
 * on their own). A topic that exists is left as it is, but for too few partitions, which are raised
 * (UpdateTopic): partitions are never lowered, and the replication factor of an existing topic is
 * not changed. Named after the topics, so a new topic or a new partition count is a new Job.
 */
export function kafkaTopicsObjects(target: KafkaTopicsTarget): KubernetesObject[] {
  const script = [
    'set -eu',
    'kafka() { aws kafka "$@" --region "$AWS_REGION" --cluster-arn "$KAFKA_CLUSTER_ARN" --output text; }',
    'fail() { cat /tmp/err >&2; echo "$1" >&2; exit 1; }',
    `printf '%s\\n' "$${KAFKA_TOPICS_ENV}" > /tmp/topics`,
    'while read -r topic partitions replicas; do',
    '  [ -n "$topic" ] || continue',
    '  if current=$(kafka describe-topic --topic-name "$topic" --query PartitionCount 2>/tmp/err); then',
    '    if [ "$current" -lt "$partitions" ]; then',
    '      kafka update-topic --topic-name "$topic" --partition-count "$partitions" --query Status >/dev/null 2>/tmp/err || fail "$topic not updated"',
    '      echo "$topic: $current -> $partitions partitions"',
    '    else echo "$topic: exists, $current partitions"; fi',
    '  elif grep -q NotFoundException /tmp/err; then',
    '    kafka create-topic --topic-name "$topic" --partition-count "$partitions" --replication-factor "$replicas" --query Status >/dev/null 2>/tmp/err ||',
    '      grep -q TopicExistsException /tmp/err || fail "$topic not created"',
    '    echo "$topic: created, $partitions partitions, $replicas replicas"',
    '  else fail "$topic not readable"; fi',
    'done < /tmp/topics',
    // MSK creates and updates topics asynchronously (CREATING, UPDATING, then ACTIVE; its topic API
    // lags about a minute): the Job ends only once each topic is ACTIVE with its partitions, so the
    // workloads ordered after it find them (the Job's deadline bounds the wait).
    'while read -r topic partitions replicas; do',
    '  [ -n "$topic" ] || continue',
    '  until state=$(kafka describe-topic --topic-name "$topic" --query "[Status, PartitionCount]" 2>/tmp/err) &&',
    '    [ "${state%%[[:space:]]*}" = ACTIVE ] && [ "${state##*[[:space:]]}" -ge "$partitions" ]; do',
    '    echo "$topic: not active yet (${state:-unreadable})"; sleep "${KAFKA_TOPICS_POLL_SECONDS:-10}"',
    '  done',
    '  echo "$topic: active"',
    'done < /tmp/topics',
  ].join('\n');
  return job(
    KAFKA_TOPICS_JOB,
    {
      AWS_REGION: target.region,
      KAFKA_CLUSTER_ARN: target.clusterArn,
      [KAFKA_TOPICS_ENV]: target.topics.map((t) => `${t.name} ${t.partitions} ${t.replicationFactor}`).join('\n'),
    },
    script,
    target.topics,
    target.topics.map((t) => provision.kafkaTopic(t.name)),
    KAFKA_TOPICS_CLI_IMAGE,
  );
}

export const RABBITMQ_USERS_JOB = 'rabbitmq-users';

/** One service's broker user: its name, the secret holding its password, what it may do. */
export interface RabbitMqUser {
  readonly user: string;
  readonly passwordSecretArn: string;
  readonly permissions: { readonly configure: string; readonly write: string; readonly read: string };
}

/** What the users Job applies: the topology and the services' users. */
export interface RabbitMqUsersTarget extends RabbitMqTarget {
  readonly topology: { readonly exchanges: readonly string[]; readonly bindings: ReadonlyArray<{ readonly exchange: string; readonly queue: string }> };
  readonly users: readonly RabbitMqUser[];
}

/** Variables of the users Job that carry user `i`'s password secret and permissions. */
export const rabbitMqUserEnv = (i: number) => ({ secret: `RABBITMQ_USER_SECRET_${i}`, permissions: `RABBITMQ_PERMISSIONS_${i}` });

/**
 * The rabbitmq-users Job: Amazon MQ for RabbitMQ creates users only through RabbitMQ's management
 * API (a broker's Terraform `user` block makes only the admin), so this Job, as the admin (its
 * password read from Secrets Manager at run time), declares the exchanges and queues of the
 * topics and puts each service's user (no tags: no management access) with its password, read
 * from the service's own secret at run time, and its permissions on `/`. PUT replaces, so a
 * re-run converges; named after the users, permissions and topology.
 */
export function rabbitMqUsersObjects(target: RabbitMqUsersTarget): KubernetesObject[] {
  const { exchanges } = target.topology;
  const script = [
    'set -eu',
    'secret() { aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "$1" --query SecretString --output text; }',
    'password=$(secret "$RABBITMQ_SECRET_ARN")',
    'api() { curl -sS --fail-with-body -o /tmp/out -u "$RABBITMQ_USERNAME:$password" -H "content-type: application/json" "$@" || { cat /tmp/out >&2; exit 1; }; }',
    ...rabbitMqTopologyCalls(target.topology),
    rabbitMqPutUserFunction('secret "$2"'),
    ...target.users.map(({ user }, i) => `put_user '${user}' "$${rabbitMqUserEnv(i).secret}" "$${rabbitMqUserEnv(i).permissions}"`),
  ].join('\n');
  return job(
    RABBITMQ_USERS_JOB,
    {
      AWS_REGION: target.region,
      RABBITMQ_CONSOLE_URL: target.consoleUrl,
      RABBITMQ_USERNAME: target.username,
      RABBITMQ_SECRET_ARN: target.passwordSecretArn,
      ...Object.fromEntries(
        target.users.flatMap(({ passwordSecretArn, permissions }, i) => [
          [rabbitMqUserEnv(i).secret, passwordSecretArn],
          [rabbitMqUserEnv(i).permissions, JSON.stringify(permissions)],
        ]),
      ),
    },
    script,
    { topology: target.topology, users: target.users.map(({ user, permissions }) => ({ user, permissions })) },
    [...target.users.map(({ user }) => provision.rabbitMqUser(user)), ...exchanges.map(provision.rabbitMqExchange)],
  );
}
