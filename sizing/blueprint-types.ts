/** The sized topology of one environment: what every regional stack builds. */
import { Stage } from '../config/stages';
import type { AuroraReplicaScaling } from './autoscaling/aurora-replicas';
import type { NodeGroupScaling } from './autoscaling/node-groups';
import type { RedisShardScaling } from './autoscaling/redis-shards';

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
}

export interface CockroachSize {
  readonly nodesPerRegion: number;
  readonly instanceType: string;
  readonly volumeGiB: number;
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

/** Every sized component of one environment; a component absent here is not built. */
export interface Blueprint {
  readonly stage: Stage;
  readonly databaseEngine: 'postgres' | 'cockroachdb';
  readonly backupRetentionDays: number;
  readonly hosts?: HostsSize;
  readonly cluster?: ClusterSize;
  readonly postgres?: PostgresSize;
  readonly cockroach?: CockroachSize;
  readonly redis: RedisSize;
  readonly rabbitmq?: RabbitMqSize;
  readonly search?: SearchSize;
  readonly kafka?: KafkaSize;
  /** Move objects to cheaper S3 classes as they age (seed 002 storage tiers). */
  readonly storageTiering: boolean;
  /**
   * WebSocket pods per region, from the workload. Absent without a workload. The Kubernetes
   * workloads that consume it come with the apps stack; the node counts above already include it.
   */
  readonly websocket?: PodRange;
  /** API pods per region, from the workload. Absent without a workload. */
  readonly api?: PodRange;
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
