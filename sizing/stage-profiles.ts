/**
 * Reference topology per stage, from the seed documents. A profile fixes the stage's
 * *topology*: which components exist, their engines and kinds, and instance classes. Its counts
 * (nodes, replicas, shards, brokers) are used only when the environment has no `workload`;
 * with one, `sizing/capacity.ts` derives the counts, and `AVAILABILITY_FLOORS` below keeps
 * them from dropping under what the topology needs to survive a failure. Explicit sizes in
 * the environment file win over both.
 *
 * Sources: seed 004 "Stage-by-Stage Architecture" (server and DB sizes, replicas, shard
 * counts, ES nodes), seed 000 §2.3–2.4 (Redis 3 masters + 3 replicas per region,
 * CockroachDB 3 nodes per region).
 */
import { Stage } from '../config/stages';
import { Blueprint, CockroachSize, KafkaSize, RabbitMqSize, SearchSize } from './blueprint-types';

const POSTGRES_VERSION = '16.6';

export const STAGE_PROFILES: Readonly<Record<Stage, Blueprint>> = {
  // 1 × 2 vCPU / 4 GB server with the database on it; "take automated backups".
  launch: {
    stage: 'launch',
    databaseEngine: 'postgres',
    backupRetentionDays: 7,
    hosts: { count: 1, instanceType: 't3.medium', rootVolumeGiB: 30, dataVolumeGiB: 50 },
    postgres: { kind: 'on-host', engineVersion: POSTGRES_VERSION, instanceClass: 'on-host', storageGiB: 50, multiAz: false, readReplicas: 0, shards: 1 },
    redis: { mode: 'on-host', nodeType: 'on-host', shards: 1, replicasPerShard: 0 },
    storageTiering: false,
  },
  // Separate DB server (4 vCPU / 8 GB) and Redis for sessions and cache.
  traction: {
    stage: 'traction',
    databaseEngine: 'postgres',
    backupRetentionDays: 14,
    hosts: { count: 1, instanceType: 't3.large', rootVolumeGiB: 30 },
    postgres: { kind: 'rds', engineVersion: POSTGRES_VERSION, instanceClass: 'db.t4g.large', storageGiB: 100, multiAz: false, readReplicas: 0, shards: 1 },
    redis: { mode: 'single', nodeType: 'cache.t4g.small', shards: 1, replicasPerShard: 0 },
    storageTiering: false,
  },
  // 2–3 app servers behind a load balancer; 8 vCPU / 32 GB primary + 1 read replica;
  // Redis with failover; RabbitMQ; search.
  growth: {
    stage: 'growth',
    databaseEngine: 'postgres',
    backupRetentionDays: 14,
    cluster: { instanceType: 'm6i.xlarge', rootVolumeGiB: 50, nodes: { min: 2, max: 3, desired: 2 } },
    postgres: { kind: 'rds', engineVersion: POSTGRES_VERSION, instanceClass: 'db.m6g.2xlarge', storageGiB: 200, multiAz: true, readReplicas: 1, shards: 1 },
    redis: { mode: 'replicated', nodeType: 'cache.m6g.large', shards: 1, replicasPerShard: 1 },
    rabbitmq: { deployment: 'single', instanceType: 'mq.m5.large' },
    search: { instanceType: 'm6g.large.search', dataNodes: 2, volumeGiB: 100, dedicatedMasters: false },
    storageTiering: false,
  },
  // 3+ app servers of 8 vCPU; primary + 2–3 replicas; Redis Cluster; RabbitMQ with DLQ.
  scale: {
    stage: 'scale',
    databaseEngine: 'postgres',
    backupRetentionDays: 14,
    cluster: { instanceType: 'm6i.2xlarge', rootVolumeGiB: 50, nodes: { min: 3, max: 10, desired: 3 } },
    postgres: { kind: 'aurora', engineVersion: POSTGRES_VERSION, instanceClass: 'db.r6g.2xlarge', storageGiB: 0, multiAz: true, readReplicas: 2, shards: 1 },
    redis: { mode: 'cluster', nodeType: 'cache.r6g.large', shards: 3, replicasPerShard: 1 },
    rabbitmq: { deployment: 'cluster', instanceType: 'mq.m5.large' },
    search: { instanceType: 'r6g.large.search', dataNodes: 3, volumeGiB: 200, dedicatedMasters: false },
    storageTiering: false,
  },
  // Orders sharded 4 ways, Kafka replaces RabbitMQ, a 3-node search cluster.
  hyperscale: {
    stage: 'hyperscale',
    databaseEngine: 'postgres',
    backupRetentionDays: 14,
    cluster: { instanceType: 'm6i.2xlarge', rootVolumeGiB: 80, nodes: { min: 6, max: 30, desired: 6 } },
    postgres: { kind: 'aurora', engineVersion: POSTGRES_VERSION, instanceClass: 'db.r6g.2xlarge', storageGiB: 0, multiAz: true, readReplicas: 1, shards: 4 },
    redis: { mode: 'cluster', nodeType: 'cache.r6g.xlarge', shards: 6, replicasPerShard: 1 },
    kafka: { instanceType: 'kafka.m7g.large', brokers: 3, volumeGiB: 1000 },
    search: { instanceType: 'r6g.xlarge.search', dataNodes: 3, volumeGiB: 500, dedicatedMasters: true },
    storageTiering: true,
  },
  // Per region: CockroachDB 3 nodes, Redis Cluster 3 masters + 3 replicas (~100 GB).
  massive: {
    stage: 'massive',
    databaseEngine: 'cockroachdb',
    backupRetentionDays: 14,
    cluster: { instanceType: 'm6i.2xlarge', rootVolumeGiB: 80, nodes: { min: 6, max: 60, desired: 6 } },
    // With `database.engine: postgres`: shards homed in the regions (seed 004 Stage 6 "16+ shards";
    // seed 002 §1 "1 primary + 3-5 read replicas" per shard on "16 CPU, 64GB RAM").
    postgres: { kind: 'aurora', engineVersion: POSTGRES_VERSION, instanceClass: 'db.r6g.4xlarge', storageGiB: 0, multiAz: true, readReplicas: 3, shards: 16 },
    redis: { mode: 'cluster', nodeType: 'cache.r6g.2xlarge', shards: 3, replicasPerShard: 1 },
    kafka: { instanceType: 'kafka.m7g.large', brokers: 3, volumeGiB: 1000 },
    search: { instanceType: 'r6g.xlarge.search', dataNodes: 3, volumeGiB: 500, dedicatedMasters: true },
    storageTiering: true,
  },
};

/**
 * CockroachDB sizes where a stage runs it: optional on hyperscale (`database.engine`),
 * always on massive. Seed 000 §2.4: 3 nodes per region.
 */
export const COCKROACH_PROFILES: Readonly<Partial<Record<Stage, CockroachSize>>> = {
  hyperscale: { nodesPerRegion: 3, instanceType: 'm6i.2xlarge', volumeGiB: 500 },
  massive: { nodesPerRegion: 3, instanceType: 'm6i.4xlarge', volumeGiB: 1000 },
};

/** Smallest counts a stage's topology needs, whatever the workload: a derived count never goes below. */
export interface AvailabilityFloors {
  /** Pods per service in a region. */
  readonly pods: number;
  /** Cluster nodes. */
  readonly nodes: number;
  /** Redis Cluster shards (cluster mode only). */
  readonly redisClusterShards: number;
  /** CockroachDB nodes per region. */
  readonly cockroachNodesPerRegion: number;
}

/**
 * Sources: seed 004 Stage 3 "Load balancer + 2-3 app servers" and Stage 4 "3+ app servers"
 * (one per zone); seed 000 §2.3 "3 masters + 3 replicas" (Redis Cluster) and §2.4 "3 Nodes" per
 * region (CockroachDB). Two pods per service on cluster stages so a rollout or a node loss never
 * stops a service; hosts run one of each.
 */
export const AVAILABILITY_FLOORS: Readonly<Record<Stage, AvailabilityFloors>> = {
  launch: { pods: 1, nodes: 0, redisClusterShards: 1, cockroachNodesPerRegion: 3 },
  traction: { pods: 1, nodes: 0, redisClusterShards: 1, cockroachNodesPerRegion: 3 },
  growth: { pods: 2, nodes: 2, redisClusterShards: 1, cockroachNodesPerRegion: 3 },
  scale: { pods: 2, nodes: 3, redisClusterShards: 3, cockroachNodesPerRegion: 3 },
  hyperscale: { pods: 2, nodes: 3, redisClusterShards: 3, cockroachNodesPerRegion: 3 },
  massive: { pods: 2, nodes: 3, redisClusterShards: 3, cockroachNodesPerRegion: 3 },
};

/** Most application hosts a single-host stage runs (seed 004: 1 server at launch, an app server or two at traction). */
export const MAX_HOSTS: Readonly<Partial<Record<Stage, number>>> = { launch: 1, traction: 2 };

/**
 * Sizes of a component an environment adds to a stage whose profile lacks it (`components:`,
 * config/components.ts): RabbitMQ on traction, RabbitMQ beside Kafka from hyperscale, Kafka
 * beside or instead of RabbitMQ on growth and scale. Each follows the stage's neighbours in the stage table: the
 * broker class of the stage that runs it by default, and 3 brokers (one per zone).
 */
export interface AddedComponentSizes {
  readonly rabbitmq?: RabbitMqSize;
  readonly kafka?: KafkaSize;
  readonly search?: SearchSize;
}

export const ADDED_COMPONENT_SIZES: Readonly<Partial<Record<Stage, AddedComponentSizes>>> = {
  // One broker beside the hosts: the smallest type ($0.034/h, about $25 a month against the stage's
  // $200–500 band; mq.m5.large would be $210). It holds 500 connections and 2,500 queues (Amazon MQ's
  // sizing guidelines), far beyond two hosts' workers; AWS advises m5.large for production loads, and
  // t3.micro → m5.large is a change of type in place, the way back is refused: queue.instanceType.
  traction: { rabbitmq: { deployment: 'single', instanceType: 'mq.t3.micro' } },
  growth: { kafka: { instanceType: 'kafka.m7g.large', brokers: 3, volumeGiB: 500 } },
  scale: { kafka: { instanceType: 'kafka.m7g.large', brokers: 3, volumeGiB: 1000 } },
  hyperscale: { rabbitmq: { deployment: 'cluster', instanceType: 'mq.m5.large' } },
  massive: { rabbitmq: { deployment: 'cluster', instanceType: 'mq.m5.xlarge' } },
};

/** A component's size on `stage`: the profile's own, else the added one. */
export function componentSize<K extends keyof AddedComponentSizes>(stage: Stage, key: K): AddedComponentSizes[K] {
  const profile: AddedComponentSizes = STAGE_PROFILES[stage];
  return profile[key] ?? ADDED_COMPONENT_SIZES[stage]?.[key];
}
