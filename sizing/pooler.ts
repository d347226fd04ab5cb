/**
 * Sizes PgBouncer in front of Postgres (components.postgres.pooler, docs/components.md
 * "Pooling"): its pods per region, packed onto the nodes like the services' (sizing/capacity.ts),
 * and its pools, from the services' connection demand against what each database accepts.
 *
 * - Clients: every pod of a service that declares `database`, at its max, opens
 *   `clientConnectionsPerPod` connections to the pooler.
 * - Pods: one PgBouncer process is single-threaded; `POOLER_CLIENTS_PER_POD` clients a pod, at
 *   least `POOLER_MIN_PODS` so a drain (the PodDisruptionBudget lets one go at a time) leaves one
 *   serving. A pod accepts `clientConnections ÷ (pods − 1)`, so the others take a drained pod's clients.
 * - Servers: RDS and Aurora PostgreSQL default `max_connections` to LEAST(DBInstanceClassMemory /
 *   9531392, 5000) (AWS, "Maximum number of database connections"); the pooler may open
 *   `maxConnectionsPercent` of it to each database (writer, reader, shard), split over its pods
 *   (`max_db_connections`) and, within a pod, over the services' users (`default_pool_size`:
 *   PgBouncer keeps one pool per user and database).
 * The memory of a class follows from its family and size (r: 8 GiB per vCPU, m: 4, t: 4, x: 16).
 */
import { Environment } from '../config/environment';
import { PoolerSettings } from '../config/pooler';
import { rangedRule, ServiceDefinition } from '../config/service-definition';
import { Blueprint, PoolerSize } from './blueprint-types';
import { fmt } from './numbers';

/** Clients one PgBouncer process serves (single-threaded; a client costs it about 10 KiB and a share of one core). */
export const POOLER_CLIENTS_PER_POD = 5000;
/** Pods at least: one may be drained while the other serves. */
export const POOLER_MIN_PODS = 2;
/** What each PgBouncer pod requests (and its limits: one core, the same memory). */
export const POOLER_POD = { cpuMillis: 500, memoryMiB: 256, cpuLimitMillis: 1000 } as const;

const VCPU_BY_SIZE: Readonly<Record<string, number>> = {
  micro: 2,
  small: 2,
  medium: 2,
  large: 2,
  xlarge: 4,
  '2xlarge': 8,
  '4xlarge': 16,
  '8xlarge': 32,
  '12xlarge': 48,
  '16xlarge': 64,
  '24xlarge': 96,
};
const GIB_PER_VCPU: Readonly<Record<string, number>> = { r: 8, m: 4, t: 4, x: 16 };

/** Memory of an RDS instance class, GiB; undefined for a class whose family or size is not in the tables. */
export function dbInstanceMemoryGiB(instanceClass: string): number | undefined {
  const match = /^db\.([a-z])[a-z0-9-]*\.([a-z0-9]+)$/.exec(instanceClass);
  if (!match) return undefined;
  const vcpu = VCPU_BY_SIZE[match[2]];
  const perVcpu = GIB_PER_VCPU[match[1]];
  if (vcpu === undefined || perVcpu === undefined) return undefined;
  // t-classes below large have less memory than 4 GiB per vCPU: micro 1, small 2, medium 4.
  const small: Record<string, number> = { micro: 1, small: 2, medium: 4 };
  return match[1] === 't' && small[match[2]] !== undefined ? small[match[2]] : vcpu * perVcpu;
}

/** RDS/Aurora PostgreSQL's default max_connections for a class. */
export function defaultMaxConnections(instanceClass: string): number | undefined {
  const gib = dbInstanceMemoryGiB(instanceClass);
  return gib === undefined ? undefined : Math.min(Math.floor((gib * 1024 ** 3) / 9531392), 5000);
}

/** The services that connect to Postgres (through the pooler when there is one). */
export function databaseClients<S extends Pick<ServiceDefinition, 'dataStores'>>(services: readonly S[]): S[] {
  return services.filter((s) => s.dataStores.includes('database'));
}

/** PgBouncer pods for `clientConnections`. */
export function poolerPods(clientConnections: number): number {
  return Math.max(POOLER_MIN_PODS, Math.ceil(clientConnections / POOLER_CLIENTS_PER_POD));
}

/** The pods the pooler runs and what each requests, in the units of sizing/capacity.ts. */
export function poolerPodRange(pods: number): { min: number; max: number; cpu: number; memoryGiB: number } {
  return { min: pods, max: pods, cpu: POOLER_POD.cpuMillis / 1000, memoryGiB: POOLER_POD.memoryMiB / 1024 };
}

/** The pooler's size from the services' max pods (`maxPods` by service name). */
export function poolerSizeFor(
  settings: PoolerSettings,
  services: readonly ServiceDefinition[],
  maxPods: (service: ServiceDefinition) => number,
  instanceClass: string | undefined,
): PoolerSize {
  const clients = databaseClients(services);
  const clientPods = clients.reduce((sum, s) => sum + maxPods(s), 0);
  const clientConnections = clientPods * settings.clientConnectionsPerPod;
  const pods = poolerPods(clientConnections);
  const max = instanceClass === undefined ? undefined : defaultMaxConnections(instanceClass);
  const serverConnections = max === undefined ? 0 : Math.floor((max * settings.maxConnectionsPercent) / 100);
  const maxDbConnectionsPerPod = Math.max(1, Math.floor(serverConnections / pods));
  const users = Math.max(1, clients.length);
  const poolSize = Math.max(1, Math.floor(maxDbConnectionsPerPod / users));
  const maxClientConnectionsPerPod = Math.max(100, Math.ceil(clientConnections / Math.max(1, pods - 1)));
  const reason =
    `${fmt(clientPods)} max pods of ${clients.length} database clients × ${settings.clientConnectionsPerPod} connections = ${fmt(clientConnections)} clients ` +
    `→ ${pods} PgBouncer pods (${fmt(POOLER_CLIENTS_PER_POD)} clients a pod, at least ${POOLER_MIN_PODS}), each accepting ${fmt(maxClientConnectionsPerPod)}; ` +
    `${instanceClass ?? 'the database'} max_connections ${max === undefined ? '?' : fmt(max)} × ${settings.maxConnectionsPercent}% = ${fmt(serverConnections)} server connections a database, ` +
    `${fmt(maxDbConnectionsPerPod)} a pod, ${fmt(poolSize)} per user (${users} users), ${settings.poolMode} pooling`;
  return {
    poolMode: settings.poolMode,
    maxConnectionsPercent: settings.maxConnectionsPercent,
    idleClientTimeoutSeconds: settings.idleClientTimeoutSeconds,
    clientConnectionsPerPod: settings.clientConnectionsPerPod,
    clientConnections,
    serverConnections,
    pods,
    cpuMillis: POOLER_POD.cpuMillis,
    cpuLimitMillis: POOLER_POD.cpuLimitMillis,
    memoryMiB: POOLER_POD.memoryMiB,
    maxClientConnectionsPerPod,
    maxDbConnectionsPerPod,
    poolSize,
    reason,
  };
}

/** The pooler of a sized Blueprint (its services' max pods). */
export function poolerSize(settings: PoolerSettings, blueprint: Blueprint, environment: Environment): PoolerSize {
  return poolerSizeFor(
    settings,
    environment.services,
    (s) => {
      const sized = blueprint.services?.[s.name]?.max;
      const rule = s.scaling;
      return sized ?? (rule.rule === 'fixed' ? rule.replicas : (rangedRule(rule)?.max ?? 2));
    },
    blueprint.postgres?.instanceClass,
  );
}
