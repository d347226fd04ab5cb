/**
 * Sizes the connection pooler in front of Postgres (components.postgres.pooler): how many
 * connections the pooler may open to each database, and how many the services open to it at
 * their max pods, so `size` and the docs show why a pooler pays off (many pods × a driver's pool
 * each, against one database's max_connections).
 *
 * RDS and Aurora PostgreSQL default `max_connections` to LEAST(DBInstanceClassMemory / 9531392,
 * 5000) (AWS, "Maximum number of database connections"); the memory of a class follows from its
 * family and size (r: 8 GiB per vCPU, m: 4, t: 4, x: 16).
 */
import { Environment } from '../config/environment';
import { PoolerSettings } from '../config/components';
import { Blueprint, PoolerSize } from './blueprint-types';

/** Connections one pod's database driver keeps open (node-postgres and HikariCP default to 10). */
export const DB_CONNECTIONS_PER_POD = 10;

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

export function poolerSize(settings: PoolerSettings, blueprint: Blueprint, environment: Environment): PoolerSize {
  const postgres = blueprint.postgres;
  const max = postgres && defaultMaxConnections(postgres.instanceClass);
  const clientPods = environment.services
    .filter((s) => s.dataStores.includes('database'))
    .reduce((sum, s) => {
      const sized = blueprint.services?.[s.name]?.max;
      const rule = s.scaling;
      const pods = sized ?? (rule.rule === 'fixed' ? rule.replicas : rule.rule === 'cpu' ? rule.max : 2);
      return sum + pods;
    }, 0);
  return {
    maxConnectionsPercent: settings.maxConnectionsPercent,
    idleClientTimeoutSeconds: settings.idleClientTimeoutSeconds,
    clientConnections: clientPods * DB_CONNECTIONS_PER_POD,
    serverConnections: max === undefined ? 0 : Math.floor((max * settings.maxConnectionsPercent) / 100),
  };
}
