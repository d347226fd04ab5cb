/**
 * The docker compose document of a single-host stage: every service of the catalog the stage
 * runs, hardened the way the cluster pods are (non-root user, read-only root filesystem, every
 * capability dropped, no-new-privileges, healthchecks, CPU and memory limits), behind a small
 * reverse proxy on the host's web port. On launch, Postgres and Redis run beside them with their
 * data on the host's data volume. One-shot services put the services' own database and broker
 * users before the services that need them start.
 *
 * Secrets never enter the document: the host fetches them from Secrets Manager with its
 * instance role before compose starts (`services/host-secrets.ts`) into a tmpfs, and compose
 * mounts each as a file under /run/secrets. A store's `*_SECRET_ARN` variable becomes
 * `*_SECRET_FILE` here.
 */
import { publicHostName, ServiceDefinition } from '../config/service-definition';
import { DataStoreEndpoints } from '../constructs/shared/data-store-endpoints';
import { RUN_AS_USER } from './kubernetes/workload-spec';
import { composeLiteral } from '../synthesis/terraform-literal';
import { applicationSecretFile, composeSecretParts } from './host-secrets';
import { JOBS_PROFILE } from './host-timers';
import { DATABASE_USERS_SERVICE, databaseUsersEntry, HostDatabaseAdmin } from './host-database-users';
import { HostRabbitMqAdmin, RABBITMQ_ADMIN_SECRET_FILE, RABBITMQ_USERS_SERVICE, rabbitMqUsersEntry } from './host-rabbitmq-users';
import { HOST_PROXY_MEMORY_MIB } from '../sizing/host-fit';

/** Where the host keeps fetched secrets (a tmpfs) and the compose project files. */
export const HOST_SECRETS_DIR = '/run/stagecraft/secrets';
export const HOST_CONFIG_DIR = '/etc/stagecraft';
/** The compose project name; container names start with it. */
export const COMPOSE_PROJECT = 'product';
/** The unprivileged nginx image of the reverse proxy, pinned. */
export const PROXY_IMAGE = 'nginxinc/nginx-unprivileged:1.27.3-alpine';
/** Port of the proxy's own health check inside its container (not published). */
export const PROXY_PORT = 8080;
/** Port the proxy serves TLS on inside its container; the host's port 443 maps to it. */
export const PROXY_TLS_PORT = 8443;
/** The origin certificate and its key, one PEM file the host fetches from Secrets Manager (`docs/origin-trust.md`). */
export const ORIGIN_TLS_SECRET_FILE = 'origin-tls';
/** The CA of the zone's authenticated-origin-pull client certificate (public), beside the proxy's configuration. */
export const ORIGIN_PULL_CA_FILE = 'origin-pull-ca.pem';

/** What the proxy needs to know of the environment. */
export interface ProxySettings {
  /** The product's domain; routes name its hosts. */
  readonly domain: string;
  /** PEM of the zone's origin-pull CA: the proxy then accepts only connections with the zone's client certificate. @default none (any client) */
  readonly originPullCa?: string;
}

/** A database or cache running as a container on the host (launch). */
export interface HostDataStore {
  readonly name: 'postgres' | 'redis';
  readonly image: string;
  /** uid:gid the image's server runs as; its data directory is owned by it. */
  readonly user: string;
  readonly dataDir: string;
  readonly memoryMiB: number;
  /** Secret file the server reads its password from. */
  readonly passwordSecret: string;
}

export interface ComposeInput {
  readonly services: readonly ServiceDefinition[];
  readonly stores: DataStoreEndpoints;
  /** Containers of on-host data stores (launch). @default none */
  readonly hostStores?: readonly HostDataStore[];
  readonly proxy: ProxySettings;
  /** Where the one-shot `database-users` service creates each service's own database user (services/host-database-users.ts). @default none */
  readonly databaseUsers?: HostDatabaseAdmin;
  /** Where the one-shot `rabbitmq-users` service puts each queue client's broker user (services/host-rabbitmq-users.ts). @default none */
  readonly rabbitMqUsers?: HostRabbitMqAdmin;
  /** What the host offers its containers: no container's limits exceed it (sizing/host-fit.ts). @default limits as the services give them */
  readonly host?: HostCapacity;
}

/** The host's vCPUs and the memory its containers may use (its memory less the OS and docker's share). */
export interface HostCapacity {
  readonly vcpu: number;
  readonly memoryMiB: number;
}

/**
 * Limits and reservation of one container on the host. Docker refuses a CPU limit above the host's
 * vCPUs ("range of CPUs is from 0.01 to 2.00"), and a memory limit above the host's memory limits
 * nothing: both are clamped to the host. A container's memory reservation is what the host's type
 * is sized by (sizing/host-fit.ts); compose maps no CPU reservation outside swarm.
 */
export interface ContainerResources {
  readonly cpuMillis: number;
  readonly memoryMiB: number;
  readonly reservation?: { readonly cpuMillis?: number; readonly memoryMiB: number };
}

type ComposeService = Record<string, unknown>;

const cpus = (millis: number) => String(millis / 1000);
const memory = (mebibytes: number) => `${mebibytes}M`;

/** `DATABASE_SECRET_ARN` → `DATABASE_SECRET_FILE`; the secret's file name is the env name's stem. */
export function secretFileName(envName: string): string {
  return envName
    .replace(/_SECRET_ARN$/, '')
    .toLowerCase()
    .replace(/_/g, '-');
}

/** Secret references of the stores a service uses: env name → secret ARN. */
export function secretReferences(service: ServiceDefinition, stores: DataStoreEndpoints): Array<{ env: string; arn: string; file: string }> {
  return service.dataStores.flatMap((kind) => [
    ...Object.entries(stores[kind]?.env ?? {})
      .filter(([name]) => name.endsWith('_SECRET_ARN'))
      .map(([name, arn]) => ({ env: name, arn, file: secretFileName(name) })),
    // The service's own credential (its database password): a file of its own, named after the service.
    ...Object.entries(stores[kind]?.credentialFor?.(service).env ?? {})
      .filter(([name]) => name.endsWith('_SECRET_ARN'))
      .map(([name, arn]) => ({ env: name, arn, file: `${secretFileName(name)}-${service.name}` })),
  ]);
}

function hardened(user: string, resources: ContainerResources, host: HostCapacity | undefined): ComposeService {
  const cpuCap = (millis: number) => (host ? Math.min(millis, host.vcpu * 1000) : millis);
  const memoryCap = (mebibytes: number) => (host ? Math.min(mebibytes, host.memoryMiB) : mebibytes);
  const reservation = resources.reservation;
  return {
    restart: 'unless-stopped',
    user,
    read_only: true,
    cap_drop: ['ALL'],
    security_opt: ['no-new-privileges:true'],
    tmpfs: ['/tmp:size=64m'],
    deploy: {
      resources: {
        limits: { cpus: cpus(cpuCap(resources.cpuMillis)), memory: memory(memoryCap(resources.memoryMiB)) },
        ...(reservation
          ? {
              reservations: {
                ...(reservation.cpuMillis !== undefined ? { cpus: cpus(cpuCap(reservation.cpuMillis)) } : {}),
                memory: memory(reservation.memoryMiB),
              },
            }
          : {}),
      },
    },
    logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '5' } },
  };
}

function serviceEntry(service: ServiceDefinition, input: ComposeInput): ComposeService {
  const secrets = secretReferences(service, input.stores);
  const own = composeSecretParts(service);
  const storeEnv = Object.fromEntries(
    service.dataStores
      .flatMap((kind) => Object.entries({ ...input.stores[kind]?.env, ...input.stores[kind]?.credentialFor?.(service).env }))
      .filter(([name]) => !name.endsWith('_SECRET_ARN')),
  );
  const environment = Object.fromEntries(
    Object.entries({
      // The service's own values are the user's text: literal for compose (`$$`). Terraform's escaping of the
      // whole cloud-init, which is a function argument, is stacks/host-services.ts asTerraformString.
      ...Object.fromEntries(Object.entries(service.env).map(([name, value]) => [name, composeLiteral(value)])),
      ...storeEnv,
      ...Object.fromEntries(secrets.map((s) => [s.env.replace(/_ARN$/, '_FILE'), `/run/secrets/${s.file}`])),
      ...own.environment,
    }).sort(([a], [b]) => a.localeCompare(b)),
  );
  const storeSecrets = [...new Set(secrets.map((s) => s.file))];
  const allSecrets = [...storeSecrets, ...own.secrets];
  const onHost = (input.hostStores ?? []).filter((store) => service.dataStores.includes(store.name === 'postgres' ? 'database' : 'redis'));
  const usersFirst = input.databaseUsers !== undefined && service.dataStores.includes('database');
  const brokerUserFirst = input.rabbitMqUsers !== undefined && usesHostBroker(service);
  const { requests, limits } = service.resources;
  const health = service.health;
  const healthPort = service.ports.find((p) => p.name === health?.port);
  return {
    image: service.image,
    ...hardened(`${RUN_AS_USER}:${RUN_AS_USER}`, { ...limits, reservation: requests }, input.host),
    // A job runs only when its timer starts it (services/host-timers.ts): `up` leaves its profile out.
    ...(service.kind === 'job' ? { restart: 'no', profiles: [JOBS_PROFILE] } : {}),
    stop_grace_period: `${service.drainSeconds}s`,
    environment,
    ...(allSecrets.length > 0 ? { secrets: allSecrets } : {}),
    ...(service.ports.length > 0 ? { expose: service.ports.map((p) => String(p.port)) } : {}),
    // The images ship busybox wget for this; the cluster uses the same path as its liveness probe.
    ...(health && healthPort
      ? {
          healthcheck: {
            test: ['CMD', 'wget', '-q', '--spider', `http://127.0.0.1:${healthPort.port}${health.livenessPath}`],
            interval: '10s',
            timeout: '2s',
            retries: 3,
            start_period: '10s',
          },
        }
      : {}),
    ...(onHost.length > 0 || usersFirst || brokerUserFirst
      ? {
          depends_on: Object.fromEntries([
            ...onHost.map((store) => [store.name, { condition: 'service_healthy' }]),
            ...(usersFirst ? [[DATABASE_USERS_SERVICE, { condition: 'service_completed_successfully' }]] : []),
            ...(brokerUserFirst ? [[RABBITMQ_USERS_SERVICE, { condition: 'service_completed_successfully' }]] : []),
          ]),
        }
      : {}),
  };
}

function hostStoreEntry(store: HostDataStore, host: HostCapacity | undefined): ComposeService {
  // A store reserves all of its memory: the host's type is sized for it (sizing/host-fit.ts).
  const common = hardened(store.user, { cpuMillis: 1000, memoryMiB: store.memoryMiB, reservation: { memoryMiB: store.memoryMiB } }, host);
  if (store.name === 'postgres') {
    return {
      image: store.image,
      ...common,
      // Postgres needs its socket directory writable; the data is on the host's data volume.
      tmpfs: ['/tmp:size=64m', '/var/run/postgresql:size=1m'],
      environment: {
        POSTGRES_USER: 'product',
        POSTGRES_DB: 'product',
        POSTGRES_PASSWORD_FILE: `/run/secrets/${store.passwordSecret}`,
        PGDATA: '/var/lib/postgresql/data/pgdata',
      },
      secrets: [store.passwordSecret],
      volumes: [`${store.dataDir}:/var/lib/postgresql/data`],
      expose: ['5432'],
      healthcheck: { test: ['CMD', 'pg_isready', '-U', 'product', '-d', 'product'], interval: '10s', timeout: '3s', retries: 5, start_period: '30s' },
    };
  }
  return {
    image: store.image,
    ...common,
    // The password is read from the secret file at start, so it never appears in the document.
    // Seed 004: evict least-recently-used keys of any kind, never refuse writes (noeviction); the
    // limit leaves a quarter of the container's memory for fragmentation and AOF rewrites.
    command: [
      'sh',
      '-c',
      `exec redis-server --appendonly yes --dir /data --maxmemory ${redisMaxMemoryMiB(store.memoryMiB)}mb --maxmemory-policy allkeys-lru --requirepass "$$(cat /run/secrets/${store.passwordSecret})"`,
    ],
    secrets: [store.passwordSecret],
    volumes: [`${store.dataDir}:/data`],
    expose: ['6379'],
    healthcheck: {
      test: ['CMD-SHELL', `REDISCLI_AUTH="$$(cat /run/secrets/${store.passwordSecret})" redis-cli ping | grep -q PONG`],
      interval: '10s',
      timeout: '3s',
      retries: 5,
    },
  };
}

/** Redis's `maxmemory` on a host: three quarters of its container's memory limit. */
export function redisMaxMemoryMiB(containerMiB: number): number {
  return Math.floor(containerMiB * 0.75);
}

/** The reverse proxy: the host's port 443 (TLS, the zone's client certificate) → each public route's service. */
function proxyEntry(publicServices: readonly ServiceDefinition[], proxy: ProxySettings, host: HostCapacity | undefined): ComposeService {
  return {
    image: PROXY_IMAGE,
    ...hardened('101:101', { cpuMillis: 500, memoryMiB: HOST_PROXY_MEMORY_MIB, reservation: { memoryMiB: HOST_PROXY_MEMORY_MIB } }, host),
    tmpfs: ['/tmp:size=64m'],
    ports: [`443:${PROXY_TLS_PORT}`],
    volumes: [
      `${HOST_CONFIG_DIR}/nginx.conf:/etc/nginx/nginx.conf:ro`,
      ...(proxy.originPullCa ? [`${HOST_CONFIG_DIR}/${ORIGIN_PULL_CA_FILE}:/etc/nginx/${ORIGIN_PULL_CA_FILE}:ro`] : []),
    ],
    secrets: [ORIGIN_TLS_SECRET_FILE],
    depends_on: Object.fromEntries(publicServices.map((s) => [s.name, { condition: 'service_healthy' }])),
    healthcheck: { test: ['CMD', 'wget', '-q', '--spider', `http://127.0.0.1:${PROXY_PORT}/nginx-health`], interval: '10s', timeout: '2s', retries: 3 },
  };
}

/** One public route of a service on the proxy. */
export interface ProxyRoute {
  readonly service: string;
  readonly port: number;
  readonly hosts: readonly string[];
  readonly path: string;
  readonly websocket: boolean;
}

/** Every public route of the services, with full host names, longest path first. */
export function proxyRoutes(services: readonly ServiceDefinition[], domain: string): ProxyRoute[] {
  return services
    .flatMap((service) =>
      service.ports.flatMap((port) =>
        port.route
          ? [
              {
                service: service.name,
                port: port.port,
                hosts: port.route.hosts.map((h) => publicHostName(h, domain)),
                path: port.route.path,
                websocket: port.route.websocket,
              },
            ]
          : [],
      ),
    )
    .sort((a, b) => b.path.length - a.path.length || a.path.localeCompare(b.path) || a.service.localeCompare(b.service));
}

/** Docker's embedded DNS server, which every container on a compose network can ask for the services' addresses. */
export const DOCKER_RESOLVER = '127.0.0.11';
/** How long the proxy keeps a service's address: a recreated container's new one is followed within this. */
export const PROXY_RESOLVER_VALID_SECONDS = 10;

/**
 * The nginx locations of one route: the path itself and everything below it (`/ws` is not `/wsx`).
 * The upstream is a variable, so nginx resolves the service's name through Docker's DNS at request
 * time (cached PROXY_RESOLVER_VALID_SECONDS) instead of once at start: a release that recreates a
 * container gives it a new address, which a name resolved at start would never follow (502 until a
 * restart). proxy_pass with a variable and no URI part passes the client's request URI unchanged,
 * as `proxy_pass http://name:port;` did.
 */
function locations(route: ProxyRoute): string[] {
  const body = [
    `      set $upstream ${route.service}:${route.port};`,
    '      proxy_pass http://$upstream;',
    '      proxy_http_version 1.1;',
    '      proxy_set_header Host $host;',
    '      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    '      proxy_set_header X-Forwarded-Proto https;',
    // Only the edge Worker may name the user, and it runs in front of cluster stages only: on a host a
    // client's own X-Stagecraft-User is always emptied (nginx then drops the header).
    '      proxy_set_header X-Stagecraft-User "";',
    ...(route.websocket
      ? ['      proxy_set_header Upgrade $http_upgrade;', '      proxy_set_header Connection $connection_upgrade;', '      proxy_read_timeout 3600s;']
      : ['      proxy_set_header Connection "";']),
  ];
  const block = (match: string) => [`    location ${match} {`, ...body, '    }'];
  return route.path === '/' ? block('/') : [...block(`= ${route.path}`), ...block(`${route.path}/`)];
}

/**
 * The nginx configuration of the proxy: TLS on PROXY_TLS_PORT with the origin certificate the
 * host fetched, the zone's client certificate required (authenticated origin pulls, where the
 * environment gives its CA), and one server per product host routing each path prefix to its
 * service. A name that is not a product host gets 421. Port PROXY_PORT answers the container's
 * health check only and is not published.
 */
export function proxyConfig(services: readonly ServiceDefinition[], proxy: ProxySettings): string {
  const routes = proxyRoutes(services, proxy.domain);
  const hosts = [...new Set(routes.flatMap((r) => r.hosts))].sort();
  const lines = [
    'worker_processes auto;',
    'pid /tmp/nginx.pid;',
    'events { worker_connections 4096; }',
    'http {',
    '  client_body_temp_path /tmp/client_temp;',
    '  proxy_temp_path /tmp/proxy_temp;',
    '  fastcgi_temp_path /tmp/fastcgi_temp;',
    '  uwsgi_temp_path /tmp/uwsgi_temp;',
    '  scgi_temp_path /tmp/scgi_temp;',
    '  server_tokens off;',
    // The services' names are resolved per request through Docker's DNS (see locations), not only at start.
    `  resolver ${DOCKER_RESOLVER} valid=${PROXY_RESOLVER_VALID_SECONDS}s ipv6=off;`,
    '  resolver_timeout 5s;',
    '  map $http_upgrade $connection_upgrade { default upgrade; "" close; }',
    `  ssl_certificate /run/secrets/${ORIGIN_TLS_SECRET_FILE};`,
    `  ssl_certificate_key /run/secrets/${ORIGIN_TLS_SECRET_FILE};`,
    '  ssl_protocols TLSv1.2 TLSv1.3;',
    '  ssl_session_cache shared:tls:10m;',
    ...(proxy.originPullCa ? [`  ssl_client_certificate /etc/nginx/${ORIGIN_PULL_CA_FILE};`, '  ssl_verify_client on;'] : []),
    '  server {',
    `    listen ${PROXY_PORT};`,
    '    location = /nginx-health { return 200; }',
    '    location / { return 404; }',
    '  }',
    '  server {',
    `    listen ${PROXY_TLS_PORT} ssl default_server;`,
    '    return 421;',
    '  }',
    ...hosts.flatMap((host) => [
      '  server {',
      `    listen ${PROXY_TLS_PORT} ssl;`,
      `    server_name ${host};`,
      ...routes.filter((r) => r.hosts.includes(host)).flatMap(locations),
      '  }',
    ]),
    '}',
  ];
  return lines.join('\n') + '\n';
}

/** Whether a service is a client of the broker beside the hosts (traction has RabbitMQ alone: `queue` or `rabbitmq`). */
function usesHostBroker(service: ServiceDefinition): boolean {
  return service.dataStores.includes('queue') || service.dataStores.includes('rabbitmq');
}

/** The compose document (as an object; the caller serializes it to YAML). */
export function composeDocument(input: ComposeInput): Record<string, unknown> {
  const services: Record<string, ComposeService> = {};
  for (const store of input.hostStores ?? []) services[store.name] = hostStoreEntry(store, input.host);
  const databaseClients = input.services.filter((s) => s.dataStores.includes('database')).map((s) => s.name);
  if (input.databaseUsers && databaseClients.length > 0) {
    services[DATABASE_USERS_SERVICE] = {
      ...databaseUsersEntry(input.databaseUsers, databaseClients),
      ...((input.hostStores ?? []).some((s) => s.name === 'postgres') ? { depends_on: { postgres: { condition: 'service_healthy' } } } : {}),
    };
  }
  const brokerUsers = input.rabbitMqUsers && input.services.some(usesHostBroker) ? input.rabbitMqUsers : undefined;
  if (brokerUsers) services[RABBITMQ_USERS_SERVICE] = rabbitMqUsersEntry(brokerUsers);
  for (const service of input.services) services[service.name] = serviceEntry(service, input);
  const publicServices = input.services.filter((s) => s.ports.some((p) => p.public));
  if (publicServices.length > 0) services.proxy = proxyEntry(publicServices, input.proxy, input.host);

  const secretFiles = new Set<string>([
    ...(publicServices.length > 0 ? [ORIGIN_TLS_SECRET_FILE] : []),
    ...input.services.flatMap((s) => secretReferences(s, input.stores).map((r) => r.file)),
    ...input.services.flatMap((s) => s.secrets.map((name) => applicationSecretFile(s.name, name))),
    ...(input.hostStores ?? []).map((s) => s.passwordSecret),
    ...(input.databaseUsers && databaseClients.length > 0 ? [input.databaseUsers.masterSecretFile] : []),
    ...(brokerUsers ? [RABBITMQ_ADMIN_SECRET_FILE] : []),
  ]);
  // The project name is given on the command line (`--project-name`): older Compose
  // Specification versions, like the schema the tests validate against, have no top-level `name`.
  return {
    services,
    ...(secretFiles.size > 0 ? { secrets: Object.fromEntries([...secretFiles].sort().map((file) => [file, { file: `${HOST_SECRETS_DIR}/${file}` }])) } : {}),
  };
}
