/**
 * PgBouncer in front of Postgres on a cluster stage (components.postgres.pooler, docs/components.md
 * "Pooling"), in the product namespace: its configuration (a ConfigMap: no secret in it), its
 * ServiceAccount (the Pod Identity of a role that may read exactly the services' database
 * passwords), a Deployment, a ClusterIP Service, a PodDisruptionBudget and a NetworkPolicy that
 * admits only the services that declare `database` and lets the pods out only to the databases.
 *
 * Credentials: RDS and Aurora give no way to read a password verifier (`pg_authid` is closed to
 * their master user), so PgBouncer's `auth_query` cannot work; each service has a password of its
 * own in Secrets Manager (the database-users Job sets it on its user), and an init container (the
 * AWS CLI, as the pooler's role) writes them into PgBouncer's `auth_file` on a memory-backed
 * volume at start. PgBouncer checks a client's SCRAM login against it and logs in to Postgres as
 * that same user, so every service keeps its own user, schema and grants behind the pool.
 *
 * Client TLS: PgBouncer refuses plaintext clients (`client_tls_sslmode = require`). Its key and
 * certificate are made in the pod at start (an init container runs openssl from PgBouncer's own
 * image into a memory-backed volume), so no private key exists in code, the synthesized JSON or
 * Terraform state. The certificate is self-signed and new with every pod: the services connect
 * with `sslmode=require`, which encrypts but does not verify PgBouncer's identity (docs/components.md
 * "Pooling", "TLS between the services and PgBouncer").
 */
import { terraformLiteral } from '../../synthesis/terraform-literal';
import { SECRET_WAIT, SecretWait, secretWaitLines } from './secret-wait';
import { POOLER_NAME } from '../../config/pooler';
import type { PoolerSize } from '../../sizing/blueprint-types';
import { AWS_CLI_IMAGE } from '../platform/operations-jobs';
import { KubernetesObject } from './object';
import { PRODUCT_NAMESPACE, selectorLabels, serviceLabels } from './labels';
import { POD_IDENTITY_AGENT } from './network-policy';
import { HOST_TOPOLOGY_KEY, ZONE_TOPOLOGY_KEY } from './pod-spec';
import { hardenedContainerSecurity, hardenedPodSecurity } from './security-context';
import { cpuQuantity, memoryQuantity, RUN_AS_USER } from './workload-spec';

/** PgBouncer 1.23 (CloudNativePG's image: Debian, `pgbouncer` on the PATH). */
export const PGBOUNCER_IMAGE = 'ghcr.io/cloudnative-pg/pgbouncer:1.23.0';
/**
 * Protocol-level named prepared statements PgBouncer keeps per client (`max_prepared_statements`).
 * In transaction pooling a client's next transaction may run on another server connection: with
 * this set, PgBouncer prepares the statement there too, so drivers that use named prepared
 * statements (Postgrex and so Phoenix/Ecto, pgx, JDBC after its threshold, node-postgres with a
 * `name`) keep working. PgBouncer 1.21 to 1.23 (the image's) default it to 0, which passes the
 * statements through unmanaged: the next transaction fails with "prepared statement … does not
 * exist". 1.24 made 200 the default; this states it for every version.
 */
export const PGBOUNCER_MAX_PREPARED_STATEMENTS = 200;
/** Where services connect: PgBouncer's own port, so nothing mistakes it for a database. */
export const POOLER_PORT = 6432;
/** The in-cluster name services connect to. */
export const POOLER_HOST = `${POOLER_NAME}.${PRODUCT_NAMESPACE}.svc.cluster.local`;
/** The names the certificate carries: the Service's in-cluster names, shortest last. */
export const POOLER_TLS_NAMES = [POOLER_HOST, `${POOLER_NAME}.${PRODUCT_NAMESPACE}.svc`, `${POOLER_NAME}.${PRODUCT_NAMESPACE}`, POOLER_NAME];
/** The certificate's lifetime; a new one is made whenever a pod starts (a rollout, a reschedule). */
export const POOLER_TLS_DAYS = 365;
const CONFIG_DIR = '/etc/pgbouncer';
const AUTH_DIR = '/run/pgbouncer';
export const AUTH_FILE = `${AUTH_DIR}/userlist.txt`;
/** PgBouncer's own key and certificate, made at start on a memory-backed volume. */
export const TLS_DIR = '/run/pgbouncer-tls';
/** The pod template's annotation that carries the passwords' version (rotation restarts the pods). */
export const PASSWORD_VERSION_ANNOTATION = 'stagecraft.io/password-version';

/** One database PgBouncer serves: the name clients ask for and where it forwards. */
export interface PoolerDatabase {
  /** The database name clients use (`postgres`, `postgres_replica_0`, `shard_3`, `shard_3_reader`). */
  readonly alias: string;
  /** The endpoint (a Terraform reference). */
  readonly host: string;
  readonly port: number;
  /** The database on the server. */
  readonly dbname: string;
}

/** One service's login: its user and the Secrets Manager secret of its password (ARN or name). */
export interface PoolerUser {
  readonly user: string;
  readonly secretId: string;
}

export interface PoolerInput {
  readonly size: PoolerSize;
  readonly databases: readonly PoolerDatabase[];
  readonly users: readonly PoolerUser[];
  /** The AWS region the secrets are read in. */
  readonly region: string;
  /** Where the databases listen (their subnets). */
  readonly databaseCidrs: readonly string[];
  readonly databasePort: number;
  /** The region's VPC: HTTPS egress goes outside it only. */
  readonly vpcCidr: string;
  /** components.postgres.pooler.passwordVersion, on the pod template: a new one restarts the pods, which read the new passwords. @default 1 */
  readonly passwordVersion?: number;
}

/** A PgBouncer `[databases]` name: letters, digits, `_` only (ours, never user text). */
function iniName(word: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(word)) throw new Error(`pgbouncer.ini: ${JSON.stringify(word)} is not a database name of letters, digits and _`);
  return word;
}

/** A host: an endpoint or a Terraform reference to one; no space, quote or comment character could end it. */
function iniHost(host: string): string {
  if (!/^[^\s;#'"=]+$/.test(host)) throw new Error(`pgbouncer.ini: ${JSON.stringify(host)} is not a host name`);
  return host;
}

/** pgbouncer.ini: no secret in it (the auth_file, the key and the certificate are written at start). `tlsDir`: where they are. */
export function pgbouncerIni(
  size: PoolerSize,
  databases: readonly PoolerDatabase[],
  options: { listenAddr?: string; port?: number; authFile?: string; serverTls?: string; tlsDir?: string } = {},
): string {
  const tlsDir = options.tlsDir ?? TLS_DIR;
  return [
    '; Generated by Stagecraft (services/kubernetes/pooler.ts); sized by sizing/pooler.ts.',
    '[databases]',
    ...databases.map((d) => `${iniName(d.alias)} = host=${iniHost(d.host)} port=${d.port} dbname=${iniName(d.dbname)}`),
    '',
    '[pgbouncer]',
    `listen_addr = ${options.listenAddr ?? '0.0.0.0'}`,
    `listen_port = ${options.port ?? POOLER_PORT}`,
    'unix_socket_dir =',
    'auth_type = scram-sha-256',
    `auth_file = ${options.authFile ?? AUTH_FILE}`,
    `pool_mode = ${size.poolMode}`,
    `max_prepared_statements = ${PGBOUNCER_MAX_PREPARED_STATEMENTS}`,
    `max_client_conn = ${size.maxClientConnectionsPerPod}`,
    `default_pool_size = ${size.poolSize}`,
    `max_db_connections = ${size.maxDbConnectionsPerPod}`,
    'min_pool_size = 0',
    `client_idle_timeout = ${size.idleClientTimeoutSeconds}`,
    'server_idle_timeout = 600',
    'server_lifetime = 3600',
    // RDS endpoints move on failover: resolve them again within 15 s.
    'dns_max_ttl = 15',
    // JDBC and node-postgres send these at start; PgBouncer would refuse the login otherwise.
    'ignore_startup_parameters = extra_float_digits,options',
    `server_tls_sslmode = ${options.serverTls ?? 'require'}`,
    // Clients: TLS or nothing, with the key and certificate the tls init container made (tlsCertificateScript).
    'client_tls_sslmode = require',
    `client_tls_key_file = ${tlsDir}/tls.key`,
    `client_tls_cert_file = ${tlsDir}/tls.crt`,
    'client_tls_protocols = secure',
    'log_connections = 0',
    'log_disconnections = 0',
    '',
  ].join('\n');
}

/** A userlist.txt line: `"user" "password"`, double quotes doubled. */
export function userlistLine(user: string, password: string): string {
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return `${q(user)} ${q(password)}`;
}

/**
 * The init container's script: for each user `i`, read `$SECRET_ID_<i>` and append
 * `"<user>" "<password>"` to the auth_file, retrying while a secret cannot be read (the AWS CLI
 * prints why) and giving up after `wait.attempts` tries with a line naming the secret. In a
 * standby region the secret is the primary region's replica (stacks/pooler.ts), which exists only
 * once the primary's regional stack is applied. The names and ids arrive as environment
 * variables, never inside the script.
 */
export function userlistScript(count: number, authFile = AUTH_FILE, wait: SecretWait = SECRET_WAIT): string {
  const lines = ['set -eu', 'umask 077', `: > ${authFile}.tmp`];
  for (let i = 0; i < count; i++) {
    lines.push(
      ...secretWaitLines(
        `password=$(aws secretsmanager get-secret-value --secret-id "$SECRET_ID_${i}" --query SecretString --output text)`,
        {
          waiting: `waiting for the password of $USER_${i} ($SECRET_ID_${i})`,
          gaveUp: `the password of $USER_${i} ($SECRET_ID_${i}) cannot be read; in a standby region it is the primary region's replica`,
        },
        wait,
      ),
      `printf '"%s" "%s"\\n' "$USER_${i}" "$(printf '%s' "$password" | sed 's/"/""/g')" >> ${authFile}.tmp`,
    );
  }
  lines.push(`mv ${authFile}.tmp ${authFile}`);
  return lines.join('\n') + '\n';
}

/**
 * The tls init container's script: a P-256 key and a self-signed certificate for the pooler's
 * Service names, made by openssl into `dir` (a memory-backed volume), readable by the pod's user
 * alone. No secret in it or in its environment; the same script runs in the PgBouncer test.
 */
export function tlsCertificateScript(dir = TLS_DIR): string {
  const names = POOLER_TLS_NAMES.map((n) => `DNS:${n}`).join(',');
  return (
    [
      'set -eu',
      'umask 077',
      `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days ${POOLER_TLS_DAYS} \\`,
      `  -subj "/CN=${POOLER_HOST}" -addext "subjectAltName=${names}" \\`,
      `  -keyout ${dir}/tls.key.tmp -out ${dir}/tls.crt.tmp`,
      `mv ${dir}/tls.key.tmp ${dir}/tls.key`,
      `mv ${dir}/tls.crt.tmp ${dir}/tls.crt`,
    ].join('\n') + '\n'
  );
}

const tcp = (port: number) => ({ protocol: 'TCP', port });

/** The pooler's objects in apply order. `clients`: the services that declare `database`. */
export function poolerObjects(input: PoolerInput, clients: readonly string[]): KubernetesObject[] {
  const { size } = input;
  const labels = serviceLabels(POOLER_NAME);
  const selector = selectorLabels(POOLER_NAME);
  const metadata = { name: POOLER_NAME, namespace: PRODUCT_NAMESPACE, labels };
  const ini = pgbouncerIni(size, input.databases);
  const probe = { tcpSocket: { port: 'postgres' }, timeoutSeconds: 2 };
  const users = [...input.users].sort((a, b) => a.user.localeCompare(b.user));
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { 'pgbouncer.ini': ini } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata, automountServiceAccountToken: false },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        replicas: size.pods,
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels, annotations: { [PASSWORD_VERSION_ANNOTATION]: String(input.passwordVersion ?? 1) } },
          spec: {
            serviceAccountName: POOLER_NAME,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            // Clients reconnect; a transaction in flight gets this long to finish (PgBouncer's SIGTERM waits for them).
            terminationGracePeriodSeconds: 30,
            securityContext: hardenedPodSecurity(RUN_AS_USER),
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: ZONE_TOPOLOGY_KEY, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: selector } },
              { maxSkew: 1, topologyKey: HOST_TOPOLOGY_KEY, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
            ],
            initContainers: [
              {
                // openssl comes with PgBouncer's image (its postgresql packages depend on it): no other image to trust.
                name: 'tls',
                image: PGBOUNCER_IMAGE,
                imagePullPolicy: 'IfNotPresent',
                command: ['/bin/sh', '-c', terraformLiteral(tlsCertificateScript())],
                env: [{ name: 'HOME', value: '/tmp' }],
                resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
                securityContext: hardenedContainerSecurity(RUN_AS_USER),
                volumeMounts: [
                  { name: 'tmp', mountPath: '/tmp' },
                  { name: 'tls', mountPath: TLS_DIR },
                ],
              },
              {
                name: 'userlist',
                image: AWS_CLI_IMAGE,
                imagePullPolicy: 'IfNotPresent',
                // Terraform reads every string as a template; `$SECRET_ID_0` must reach the shell as written.
                command: ['/bin/sh', '-c', terraformLiteral(userlistScript(users.length))],
                env: [
                  { name: 'AWS_REGION', value: input.region },
                  { name: 'HOME', value: '/tmp' },
                  ...users.flatMap((u, i) => [
                    { name: `USER_${i}`, value: u.user },
                    { name: `SECRET_ID_${i}`, value: u.secretId },
                  ]),
                ],
                resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
                securityContext: hardenedContainerSecurity(RUN_AS_USER),
                volumeMounts: [
                  { name: 'tmp', mountPath: '/tmp' },
                  { name: 'auth', mountPath: AUTH_DIR },
                ],
              },
            ],
            containers: [
              {
                name: POOLER_NAME,
                image: PGBOUNCER_IMAGE,
                imagePullPolicy: 'IfNotPresent',
                command: ['pgbouncer', `${CONFIG_DIR}/pgbouncer.ini`],
                ports: [{ name: 'postgres', containerPort: POOLER_PORT, protocol: 'TCP' }],
                resources: {
                  requests: { cpu: cpuQuantity(size.cpuMillis), memory: memoryQuantity(size.memoryMiB) },
                  limits: { cpu: cpuQuantity(size.cpuLimitMillis), memory: memoryQuantity(size.memoryMiB) },
                },
                livenessProbe: { ...probe, periodSeconds: 10, failureThreshold: 3, initialDelaySeconds: 5 },
                readinessProbe: { ...probe, periodSeconds: 5, failureThreshold: 2 },
                securityContext: hardenedContainerSecurity(RUN_AS_USER),
                volumeMounts: [
                  { name: 'tmp', mountPath: '/tmp' },
                  { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
                  { name: 'auth', mountPath: AUTH_DIR, readOnly: true },
                  { name: 'tls', mountPath: TLS_DIR, readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
              { name: 'config', configMap: { name: POOLER_NAME } },
              // Memory-backed: the passwords never touch the node's disk.
              { name: 'auth', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
              // Memory-backed too: PgBouncer's private key never touches the node's disk, and dies with the pod.
              { name: 'tls', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      spec: { type: 'ClusterIP', selector, ports: [{ name: 'postgres', port: POOLER_PORT, targetPort: 'postgres', protocol: 'TCP' }] },
    },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata, spec: { maxUnavailable: 1, selector: { matchLabels: selector } } },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata,
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress', 'Egress'],
        // Only the services that declare the database; none at all when no service does.
        ingress:
          clients.length === 0
            ? []
            : [{ from: [...clients].sort().map((c) => ({ podSelector: { matchLabels: selectorLabels(c) } })), ports: [tcp(POOLER_PORT)] }],
        egress: [
          { to: input.databaseCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(input.databasePort)] },
          { to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }], ports: [tcp(POD_IDENTITY_AGENT.port)] },
          // Secrets Manager at start (AWS publishes no stable range for it).
          { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [input.vpcCidr] } }], ports: [tcp(443)] },
          // DNS: the namespace's allow-dns policy.
        ],
      },
    },
  ];
}
