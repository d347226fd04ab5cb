/** The sized topology of one environment: what every regional stack builds. */
import type { PoolMode } from '../config/pooler';
import { Stage } from '../config/stages';
import type { CockroachCloudPlan } from '../config/cockroach-hosting';
import type { AuroraReplicaScaling } from './autoscaling/aurora-replicas';
import type { NodeGroupScaling } from './autoscaling/node-groups';
import type { RedisShardScaling } from './autoscaling/redis-shards';
import type { ServiceDemand } from '../config/service-definition';
import type { RegionMode } from '../config/components';

/** Application hosts on single-host stages. */
export interface HostsSize {
  readonly count: number;
  readonly instanceType: string;
  readonly rootVolumeGiB: number;
  /** Separate data volume for Postgres and Redis running on the host (launch only). */
  readonly dataVolumeGiB?: number;
}

/** EKS managed nodes for application pods. */
export interface ClusterSize {
  readonly instanceType: string;
  readonly rootVolumeGiB: number;
  readonly nodes: { readonly min: number; readonly max: number; readonly desired: number };
}

/** PostgreSQL: on the host, one RDS instance (with replicas), or Aurora clusters (shards). */
export interface PostgresSize {
  readonly kind: 'on-host' | 'rds' | 'aurora';
  readonly engineVersion: string;
  readonly instanceClass: string;
  readonly storageGiB: number;
  readonly multiAz: boolean;
  readonly readReplicas: number;
  /** Independent clusters the data is split over; 1 means unsharded. */
  readonly shards: number;
  /**
   * Aurora only: region code → the shards homed there (writer and readers built in that region's
   * stack only). Every shard has one home. @default every shard in the only region
   */
  readonly homes?: Readonly<Record<string, readonly number[]>>;
}

export interface CockroachSize {
  readonly nodesPerRegion: number;
  readonly instanceType: string;
  readonly volumeGiB: number;
}

/**
 * A CockroachDB Cloud cluster (`components.cockroachdb.hosting: managed`): created by the team,
 * outside Terraform; each region holds only the secret its connection string goes in.
 */
export interface ManagedCockroachSize {
  readonly plan: CockroachCloudPlan;
  /** Serverless: request units one query costs, for the estimate. */
  readonly requestUnitsPerQuery: number;
  /** Dedicated: nodes per region the team provisions. */
  readonly nodesPerRegion?: number;
}

export interface RedisSize {
  readonly mode: 'on-host' | 'single' | 'replicated' | 'cluster';
  readonly nodeType: string;
  readonly shards: number;
  readonly replicasPerShard: number;
}

export interface RabbitMqSize {
  readonly deployment: 'single' | 'cluster';
  readonly instanceType: string;
}

export interface SearchSize {
  readonly instanceType: string;
  readonly dataNodes: number;
  readonly volumeGiB: number;
  readonly dedicatedMasters: boolean;
}

/**
 * PgBouncer in front of Postgres (components.postgres.pooler, sizing/pooler.ts): a Deployment in
 * each region's cluster that the services' DATABASE_HOST points at (docs/components.md, "Pooling").
 */
export interface PoolerSize {
  readonly poolMode: PoolMode;
  /** Share of the database's max_connections the pooler may open, percent. */
  readonly maxConnectionsPercent: number;
  /** Seconds an idle client connection is kept. */
  readonly idleClientTimeoutSeconds: number;
  /** Connections each service pod opens to the pooler. */
  readonly clientConnectionsPerPod: number;
  /** Client connections the services open at their max pods per region. */
  readonly clientConnections: number;
  /** Connections the pooler may open to each database: max_connections × maxConnectionsPercent. */
  readonly serverConnections: number;
  /** PgBouncer pods per region. */
  readonly pods: number;
  readonly cpuMillis: number;
  readonly cpuLimitMillis: number;
  readonly memoryMiB: number;
  /** `max_client_conn` of each pod. */
  readonly maxClientConnectionsPerPod: number;
  /** `max_db_connections` of each pod: its share of serverConnections. */
  readonly maxDbConnectionsPerPod: number;
  /** `default_pool_size`: server connections per user and database in one pod. */
  readonly poolSize: number;
  /** Demand → pods and pools, in words (`size`). */
  readonly reason: string;
}

/** How several regions share traffic and writes (components.regions); absent with one region. */
export interface MultiRegionPlan {
  readonly mode: RegionMode;
}

export interface KafkaSize {
  readonly instanceType: string;
  readonly brokers: number;
  readonly volumeGiB: number;
}

/**
 * An autoscaled service's pod range in one region, with the requests each pod makes.
 * `min` carries the peak at the autoscaler's scale-up threshold; `max` adds burst headroom.
 */
export interface PodRange {
  readonly min: number;
  readonly max: number;
  readonly cpu: number;
  readonly memoryGiB: number;
}

/** How a service's pods were reached. */
export interface ServicePods extends PodRange {
  readonly driver: ServiceDemand['driver'];
  /** The service's peak load per region in the driver's unit (req/s, connections, messages/s); absent for fixed. */
  readonly peakPerRegion?: number;
  /** Fractional pods the per-region peak needs at the scale-up point (hosts count load in fractions of a pod). */
  readonly rawPods?: number;
  /** Demand → pods, in words. */
  readonly reason: string;
  /** A job: pods only while a scheduled run runs, none between runs. @default false */
  readonly scheduled?: boolean;
}

/** Every sized component of one environment; a component absent here is not built. */
export interface Blueprint {
  readonly stage: Stage;
  readonly databaseEngine: 'postgres' | 'cockroachdb';
  readonly backupRetentionDays: number;
  readonly hosts?: HostsSize;
  readonly cluster?: ClusterSize;
  readonly postgres?: PostgresSize;
  /** CockroachDB on the environment's EKS clusters (hosting: eks). */
  readonly cockroach?: CockroachSize;
  /** CockroachDB on CockroachDB Cloud (hosting: managed); `cockroach` is then absent. */
  readonly managedCockroach?: ManagedCockroachSize;
  readonly redis: RedisSize;
  readonly rabbitmq?: RabbitMqSize;
  readonly search?: SearchSize;
  readonly kafka?: KafkaSize;
  /** The pooler in front of Postgres; absent for none. */
  readonly pooler?: PoolerSize;
  /** Several regions: active-passive or active-active; absent with one region. */
  readonly multiRegion?: MultiRegionPlan;
  /** Move objects to cheaper S3 classes as they age (seed 002 storage tiers). */
  readonly storageTiering: boolean;
  /**
   * Pods per region of every enabled service, derived from its `demand` and the workload, by
   * service name. Absent without a workload. The node counts above already hold them.
   */
  readonly services?: Readonly<Record<string, ServicePods>>;
  /** The autoscaling rules resolved for this environment (sizing/autoscaling). Absent before sizing applies them. */
  readonly autoscaling?: BlueprintAutoscaling;
}

/** Each autoscaling rule that applies, resolved; a rule absent here is not rendered. */
export interface BlueprintAutoscaling {
  /** The general node group's range and the cluster autoscaler's behaviour (cluster stages). */
  readonly nodes?: NodeGroupScaling;
  /** Readers of every Aurora cluster (scale, hyperscale on postgres). */
  readonly auroraReplicas?: AuroraReplicaScaling;
  /** Shards of the Redis Cluster (cluster mode: scale on). */
  readonly redisShards?: RedisShardScaling;
}
