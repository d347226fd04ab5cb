/**
 * Demand → counts. For each component the stage's topology has, divide the demand one region
 * must carry by the per-unit capacity (an assumption), round up, and keep it above the
 * availability floor. Every count comes with the reasoning behind it, in words.
 *
 * Multi-region stages are sized so that losing any one region leaves enough capacity for the
 * peak: each region carries peak / (regions − 1), not peak / regions.
 *
 * Pure: no I/O. Problems (a count the topology cannot hold) and warnings are returned, not thrown.
 */
import { formatCount, Stage, stageForMau, describeStageRange } from '../config/stages';
import { ServiceDefinition } from '../config/service-definition';
import { Assumptions } from '../config/assumptions';
import { PodRange, ServicePods } from './blueprint-types';
import { Demand, demandOf, messagesPerDailyUserOf, undeclared } from './demand';
import { Allocatable, allocatable, CACHE_NODE_MEMORY_GIB, EC2_SPECS } from './instance-specs';
import { ceilDiv, fmt } from './numbers';
import { sizeServicePods } from './service-pods';
import { databaseClients, poolerPodRange, poolerPods } from './pooler';
import { AvailabilityFloors } from './stage-profiles';
import { Workload } from '../config/workload-defaults';

const GIB = 1024 ** 3;

/** The topology the counts are derived for: what the stage profile and explicit types fixed. */
export interface CapacityInput {
  readonly stage: Stage;
  readonly stageSource: 'pinned' | 'workload';
  readonly regionCount: number;
  /** Availability zones per region (the smallest over the regions). */
  readonly zoneCount: number;
  readonly workload: Workload;
  readonly assumptions: Assumptions;
  readonly floors: AvailabilityFloors;
  /** Single-host stages: the host type and how many hosts the stage allows. */
  readonly hosts?: { readonly instanceType: string; readonly instanceTypeField: string; readonly maxCount: number };
  /** Cluster stages: the general node type. */
  readonly cluster?: { readonly instanceType: string; readonly instanceTypeField: string };
  readonly postgres?: {
    readonly kind: 'on-host' | 'rds' | 'aurora';
    readonly canShard: boolean;
    readonly replicaFloor: number;
    readonly hasReplicas: boolean;
    /** Shards the file sets explicitly; read replicas are sized per actual shard. @default the derived count */
    readonly explicitShards?: number;
  };
  readonly cockroach?: boolean;
  readonly redis: { readonly mode: 'on-host' | 'single' | 'replicated' | 'cluster'; readonly nodeType: string; readonly nodeTypeField: string };
  readonly kafka?: boolean;
  readonly rabbitmq?: boolean;
  /** The environment's enabled services; a disabled one is not here, so it is not sized. */
  readonly services: readonly ServiceDefinition[];
  /** CPU utilisation each service's autoscaler keeps, percent of its request. */
  readonly cpuTargetPercent: (service: ServiceDefinition) => number;
  /** The environment's explicit pod range of a service (autoscaling.api/websocket, services.<name>.min/max). */
  readonly rangeOverride: (service: ServiceDefinition) => { readonly min?: number; readonly max?: number };
  /** PgBouncer in front of Postgres: its pods are packed with the services' (sizing/pooler.ts). @default none */
  readonly pooler?: { readonly clientConnectionsPerPod: number };
}

/** CPU, memory and pod slots `groups` of pods request, and the nodes that hold them. */
export function podsOnNodes(
  groups: ReadonlyArray<{ readonly count: number; readonly pods: PodRange }>,
  node: Allocatable,
): { cpu: number; memory: number; pods: number; count: number } {
  const cpu = groups.reduce((sum, g) => sum + g.count * g.pods.cpu, 0);
  const memory = groups.reduce((sum, g) => sum + g.count * g.pods.memoryGiB, 0);
  const pods = groups.reduce((sum, g) => sum + g.count, 0);
  return { cpu, memory, pods, count: Math.max(ceilDiv(cpu, node.vcpu), ceilDiv(memory, node.memoryGiB), ceilDiv(pods, node.pods)) };
}

/** Component names the reasoning is keyed by, in the order `size` prints them. */
export type ComponentName = 'hosts' | 'nodes' | 'dbShards' | 'readReplicas' | 'cockroach' | 'redis' | 'kafka';

/** Counts derived from the workload, per region, with their reasoning. */
export interface WorkloadSizing {
  readonly demand: Demand;
  readonly regionCount: number;
  /** What each region's capacity is divided from: regions − 1 on multi-region stages, else 1. */
  readonly regionDivisor: number;
  /** Pods per region of every enabled service, by name. */
  readonly services: Readonly<Record<string, ServicePods>>;
  readonly hosts?: number;
  /**
   * vCPU the application hosts together are busy with over a day (single-host stages): the fixed
   * services' containers all day, the demand-driven ones at their peak share ÷ the peak factor.
   * Per host, what a burstable host's CPU credits are measured against (cost/pricers.ts).
   */
  readonly hostsAverageVcpu?: number;
  readonly nodes?: { readonly min: number; readonly max: number; readonly desired: number };
  readonly dbShards?: number;
  readonly readReplicas?: number;
  readonly cockroachNodesPerRegion?: number;
  readonly redisShards?: number;
  readonly kafkaBrokers?: number;
  readonly reasons: Readonly<Partial<Record<ComponentName, string>>>;
  /** Counts the topology cannot hold. They stop the command (exit 2) unless an explicit size replaces the count. */
  readonly problems: readonly SizingProblem[];
  /** Findings that do not stop sizing, e.g. a pinned stage outside the MAU's range. */
  readonly warnings: readonly string[];
}

/** A derived count the topology cannot hold. */
export interface SizingProblem {
  /** Field path the message is about. */
  readonly path: string;
  readonly message: string;
  /** The explicit size that replaces the derived count; when the file sets it, the problem is only a warning. */
  readonly replacedBy?: string;
  /** The file the path is in, when it is not the environment's (a service definition). */
  readonly file?: string;
}

export { ceilDiv, fmt };

const pct = (share: number) => `${fmt(share * 100)}%`;
const gib = (bytes: number) => `${fmt(bytes / GIB)} GiB`;

export function sizeForWorkload(input: CapacityInput): WorkloadSizing {
  const { assumptions: a, floors, workload } = input;
  const demand = demandOf(workload, input.services);
  const divisor = input.regionCount > 1 ? input.regionCount - 1 : 1;
  const problems: SizingProblem[] = [];
  const problem = (path: string, message: string, replacedBy?: string, file?: string) => problems.push({ path, message, replacedBy, file });
  const warnings: string[] = [];
  const reasons: Partial<Record<ComponentName, string>> = {};

  /** "600,000 peak connections" or, multi-region, "10,000,000 peak connections ÷ (3 − 1) regions = 5,000,000". */
  const perRegion = (total: number, what: string): [number, string] => {
    if (divisor === 1) return [total, `${fmt(total)} ${what}`];
    const share = total / divisor;
    return [share, `${fmt(total)} ${what} ÷ (${input.regionCount} − 1) regions = ${fmt(share)}`];
  };
  const raisedTo = (raw: number, floor: number, why: string) => (raw < floor ? ` (${raw}, raised to ${floor}: ${why})` : '');

  // A queue service's messages: its own figure, else the product's (workload.messagesPerDauPerDay); with neither there is none to size from.
  for (const service of input.services) {
    if (service.demand.driver === 'queue' && messagesPerDailyUserOf(service, workload) === undefined)
      problem(
        'demand.messagesPerDailyUser',
        `${service.name} sizes its pods from queue messages, but neither it nor the environment's workload.messagesPerDauPerDay says how many; allowed: the messages each daily user puts on its queue a day (greater than 0) here, or the product's in workload.messagesPerDauPerDay`,
        undefined,
        service.sourceFile,
      );
  }

  // Pods of every enabled service, from what its definition says drives its load.
  const services = sizeServicePods({
    services: input.services,
    workload,
    regionDivisor: divisor,
    regionCount: input.regionCount,
    autoscaleHeadroom: a.autoscaleHeadroom,
    podFloor: floors.pods,
    cpuTargetPercent: input.cpuTargetPercent,
  });
  /** The pods the autoscalers run: the derived range, with the environment's overrides. */
  const ranges = input.services.map((service) => {
    const pods = services[service.name];
    const override = input.rangeOverride(service);
    const min = override.min ?? pods.min;
    return { service, pods, min, max: Math.max(min, override.max ?? pods.max) };
  });

  let hosts: number | undefined;
  let hostsAverageVcpu: number | undefined;
  if (input.hosts) {
    const spec = EC2_SPECS[input.hosts.instanceType];
    if (!spec) {
      problem(input.hosts.instanceTypeField, unknownTypeMessage(input.hosts.instanceType, Object.keys(EC2_SPECS)));
    } else {
      // The load on the hosts: the demand of each service in fractions of a pod (spread over the
      // hosts), and one container of each service whose pods are fixed.
      // A job's run comes and goes with its schedule; it is not a container the hosts hold at peak.
      const share = (p: ServicePods) => (p.scheduled ? 0 : p.driver === 'fixed' ? 1 : (p.rawPods ?? 0));
      const cpu = ranges.reduce((sum, { pods }) => sum + share(pods) * pods.cpu, 0);
      const memory = ranges.reduce((sum, { pods }) => sum + share(pods) * pods.memoryGiB, 0);
      hosts = Math.max(1, ceilDiv(cpu, spec.vcpu), ceilDiv(memory, spec.memoryGiB));
      const averageShare = (p: ServicePods) => (p.driver === 'fixed' ? 1 : (p.rawPods ?? 0) / workload.peakFactor);
      hostsAverageVcpu = ranges.reduce((sum, { pods }) => sum + averageShare(pods) * pods.cpu, 0);
      const parts = ranges.map(({ service, pods }) => `${service.name} ${fmt(share(pods) * pods.cpu)}`).join(' + ');
      reasons.hosts = `services need ${fmt(cpu)} vCPU (${parts}) and ${fmt(memory)} GiB at peak / ${input.hosts.instanceType} (${spec.vcpu} vCPU, ${spec.memoryGiB} GiB) → ${hosts}`;
      // Every host runs one container of every service, which requests its own resources; docker
      // compose does not hold CPU reservations, so this is said in the reasoning, not enforced.
      const requestedCpu = ranges.reduce((sum, { pods }) => sum + pods.cpu, 0);
      const requestedMemory = ranges.reduce((sum, { pods }) => sum + pods.memoryGiB, 0);
      reasons.hosts +=
        `; each host runs one container of each service, requesting ${fmt(requestedCpu)} vCPU, ${fmt(requestedMemory)} GiB together` +
        (requestedCpu > spec.vcpu || requestedMemory > spec.memoryGiB
          ? ` (more than one ${input.hosts.instanceType}; compose holds no CPU reservation, so they share it)`
          : '');
      if (hosts > input.hosts.maxCount) {
        problem(
          'workload',
          `needs ${hosts} ${input.hosts.instanceType} hosts at peak (${fmt(cpu)} vCPU); ${input.stage} runs at most ${input.hosts.maxCount}; allowed: a workload that fits ${input.hosts.maxCount}, a larger compute.instanceType, or a cluster stage (growth or later)`,
          'compute.hosts',
        );
      }
    }
  }

  let nodes: WorkloadSizing['nodes'];
  if (input.cluster) {
    const spec = EC2_SPECS[input.cluster.instanceType];
    if (!spec) {
      problem(input.cluster.instanceTypeField, unknownTypeMessage(input.cluster.instanceType, Object.keys(EC2_SPECS)));
    } else {
      const node = allocatable(spec, { vcpu: a.nodeSystemCpu, memoryGiB: a.nodeSystemMemoryGiB });
      const where = `${input.cluster.instanceType} nodes (${fmt(node.vcpu)} vCPU, ${fmt(node.memoryGiB)} GiB allocatable after kubelet and system pods)`;
      for (const { service, pods } of ranges) {
        if (pods.cpu > node.vcpu)
          problem(
            'resources.requests.cpuMillis',
            `${service.name} requests ${fmt(pods.cpu)} vCPU a pod, which does not fit ${where}; allowed: at most ${Math.floor(node.vcpu * 1000)}, or a larger compute.instanceType`,
            undefined,
            service.sourceFile,
          );
        if (pods.memoryGiB > node.memoryGiB)
          problem(
            'resources.requests.memoryMiB',
            `${service.name} requests ${fmt(pods.memoryGiB)} GiB a pod, which does not fit ${where}; allowed: at most ${Math.floor(node.memoryGiB * 1024)}, or a larger compute.instanceType`,
            undefined,
            service.sourceFile,
          );
      }
      // PgBouncer's pods (sizing/pooler.ts): as many at min as at max, sized from the services' max pods.
      const poolerCount =
        input.pooler &&
        poolerPods(ranges.filter((r) => databaseClients([r.service]).length > 0).reduce((sum, r) => sum + r.max, 0) * input.pooler.clientConnectionsPerPod);
      const pooler = poolerCount === undefined ? [] : [{ count: poolerCount, pods: poolerPodRange(poolerCount) }];
      const low = podsOnNodes([...ranges.map((r) => ({ count: r.min, pods: r.pods })), ...pooler], node);
      const high = podsOnNodes([...ranges.map((r) => ({ count: r.max, pods: r.pods })), ...pooler], node);
      const min = Math.max(floors.nodes, low.count);
      const max = Math.max(min, high.count);
      nodes = { min, max, desired: min };
      reasons.nodes =
        `${input.cluster.instanceType} (${fmt(node.vcpu)} vCPU, ${fmt(node.memoryGiB)} GiB, ${node.pods} pods allocatable): ` +
        `min pods (${low.pods}) request ${fmt(low.cpu)} vCPU, ${fmt(low.memory)} GiB → ${min}${raisedTo(low.count, floors.nodes, 'availability floor')}; ` +
        `max pods (${high.pods}) ${fmt(high.cpu)} vCPU, ${fmt(high.memory)} GiB → ${max}` +
        (poolerCount === undefined ? '' : ` (with ${poolerCount} PgBouncer pods)`);
      if (max > 1000)
        problem(
          'workload',
          `needs ${max} ${input.cluster.instanceType} nodes per region; a node group holds at most 1,000; allowed: a larger compute.instanceType or more regions`,
          'compute.nodes',
        );
    }
  }

  let dbShards: number | undefined;
  let readReplicas: number | undefined;
  const noMessages = undeclared('messages', demand);
  const requestWritesText = `${fmt(demand.peakRps)} req/s × ${fmt(workload.writesPerRequest)}`;
  const writesText =
    `${fmt(demand.peakDbWritesPerSecond)} peak write tx/s ` +
    (noMessages
      ? `(${requestWritesText}; ${noMessages})`
      : `(${fmt(demand.peakMessagesPerSecond)} msg/s ÷ batch ${fmt(workload.writeBatchSize)} + ${requestWritesText})`);
  if (input.postgres && input.postgres.kind !== 'on-host') {
    const byWrites = ceilDiv(demand.peakDbWritesPerSecond, a.writesPerPostgresShard);
    const byRows = ceilDiv(demand.largestTable.rows, a.rowsPerTableShard);
    const rowsText = `largest table (${demand.largestTable.name}) ${fmt(demand.largestTable.rows)} rows / ${fmt(a.rowsPerTableShard)} per shard → ${byRows}`;
    if (input.postgres.canShard) {
      dbShards = Math.max(1, byWrites, byRows);
      reasons.dbShards = `${writesText} / ${fmt(a.writesPerPostgresShard)} per shard → ${byWrites}; ${rowsText}; → ${dbShards}`;
      if (dbShards > 256)
        problem(
          'workload',
          `needs ${dbShards} Postgres shards; Stagecraft builds at most 256; allowed: fewer rows per shard (archive to S3), or database.engine: cockroachdb`,
          'database.shards',
        );
    } else {
      dbShards = 1;
      reasons.dbShards = `${writesText} / ${fmt(a.writesPerPostgresShard)} per primary → ${Math.max(1, byWrites)}; ${input.stage} runs one Postgres primary → 1`;
      if (byWrites > 1) {
        problem(
          'assumptions.writesPerPostgresShard',
          `${input.stage} runs one Postgres primary, which takes ${fmt(a.writesPerPostgresShard)} write tx/s; the workload needs ${fmt(demand.peakDbWritesPerSecond)}; allowed: at least ${fmt(demand.peakDbWritesPerSecond)}, more write batching (workload.writeBatchSize), or stage hyperscale, which shards`,
        );
      }
      if (byRows > 1) {
        warnings.push(
          `${rowsText}: seed 004 says "archive or shard"; ${input.stage} cannot shard, so archive rows to S3 (seed 002 tiering) or plan hyperscale`,
        );
      }
    }
    if (input.postgres.hasReplicas) {
      const shards = input.postgres.explicitShards ?? dbShards ?? 1;
      const need = ceilDiv(demand.peakDbReadsPerSecond / shards, a.readsPerPostgresReplica);
      readReplicas = Math.max(input.postgres.replicaFloor, need);
      reasons.readReplicas =
        `${fmt(demand.peakDbReadsPerSecond)} peak reads/s (${fmt(demand.peakRps)} req/s × ${fmt(workload.dbReadsPerRequest)})${shards > 1 ? ` ÷ ${shards} shards` : ''} / ${fmt(a.readsPerPostgresReplica)} per replica → ${need}; ` +
        `at least ${input.postgres.replicaFloor} (stage profile) → ${readReplicas} per ${shards > 1 ? 'shard' : 'database'}`;
      if (readReplicas > 15)
        problem(
          'assumptions.readsPerPostgresReplica',
          `the workload needs ${readReplicas} read replicas per database at ${fmt(a.readsPerPostgresReplica)} reads/s each; RDS and Aurora allow at most 15; allowed: at least ${fmt(Math.ceil(demand.peakDbReadsPerSecond / shards / 15))}, or more caching (workload.dbReadsPerRequest)`,
          'database.readReplicas',
        );
    }
  }

  let cockroachNodesPerRegion: number | undefined;
  if (input.cockroach) {
    const replicaWrites = (demand.peakDbWritesPerSecond * a.cockroachReplicationFactor) / divisor;
    const raw = ceilDiv(replicaWrites, a.writesPerCockroachNode);
    cockroachNodesPerRegion = Math.max(floors.cockroachNodesPerRegion, raw);
    reasons.cockroach =
      `${writesText} × ${a.cockroachReplicationFactor} replicas${divisor > 1 ? ` ÷ (${input.regionCount} − 1) regions` : ''} = ${fmt(replicaWrites)} replica writes/s / ${fmt(a.writesPerCockroachNode)} per node → ${raw}; ` +
      `at least ${floors.cockroachNodesPerRegion} per region → ${cockroachNodesPerRegion}`;
    if (cockroachNodesPerRegion > 100)
      problem(
        'assumptions.writesPerCockroachNode',
        `the workload needs ${cockroachNodesPerRegion} CockroachDB nodes per region; allowed: at most 100 (database.nodesPerRegion)`,
        'database.nodesPerRegion',
      );
  }

  let redisShards: number | undefined;
  if (input.redis.mode !== 'on-host') {
    const memoryGiB = CACHE_NODE_MEMORY_GIB[input.redis.nodeType];
    if (memoryGiB === undefined) {
      problem(input.redis.nodeTypeField, unknownTypeMessage(input.redis.nodeType, Object.keys(CACHE_NODE_MEMORY_GIB)));
    } else {
      const [ops, opsText] = perRegion(demand.peakRedisOpsPerSecond, 'peak Redis ops/s');
      const bytes = demand.redisBytes / divisor;
      const opsPerShard = a.redisOpsPerNode * a.redisScaleAtUtilization;
      const bytesPerShard = memoryGiB * GIB * a.sessionShardFillLimit;
      const byOps = ceilDiv(ops, opsPerShard);
      const byMemory = ceilDiv(bytes, bytesPerShard);
      const memoryPart =
        `${gib(demand.redisBytes)} of sessions and cache (${fmt(demand.sessions)} sessions × ${fmt(workload.sessionBytes + workload.cacheBytesPerSession)} B)` +
        `${divisor > 1 ? ` ÷ (${input.regionCount} − 1) regions = ${gib(bytes)}` : ''} / (${fmt(memoryGiB)} GiB ${input.redis.nodeType} × ${pct(a.sessionShardFillLimit)} session-shard limit) → ${byMemory}`;
      const opsPart = `${opsText} / (${fmt(a.redisOpsPerNode)} per node × ${pct(a.redisScaleAtUtilization)}) → ${byOps}`;
      if (input.redis.mode === 'cluster') {
        redisShards = Math.max(floors.redisClusterShards, byOps, byMemory);
        reasons.redis = `${opsPart}; ${memoryPart}; at least ${floors.redisClusterShards} → ${redisShards} shards`;
        if (redisShards > 500)
          problem(
            'assumptions.redisOpsPerNode',
            `the workload needs ${redisShards} Redis shards per region; ElastiCache allows at most 500; allowed: a larger cache.nodeType or more regions`,
            'cache.shards',
          );
      } else {
        redisShards = 1;
        reasons.redis = `${opsPart}; ${memoryPart}; ${input.stage} runs one Redis shard → 1`;
        if (byMemory > 1) {
          problem(
            input.redis.nodeTypeField,
            `${input.redis.nodeType} holds ${fmt(memoryGiB * a.sessionShardFillLimit)} GiB at the ${pct(a.sessionShardFillLimit)} session-shard limit; the workload keeps ${gib(bytes)} of sessions and cache; allowed: a node type with at least ${fmt(bytes / GIB / a.sessionShardFillLimit)} GiB, or stage scale (Redis Cluster)`,
          );
        }
        if (byOps > 1) {
          problem(
            'assumptions.redisOpsPerNode',
            `${input.stage} runs one Redis primary, which takes ${fmt(opsPerShard)} ops/s at ${pct(a.redisScaleAtUtilization)}; the workload needs ${fmt(ops)}; allowed: at least ${fmt(ops / a.redisScaleAtUtilization)}, or stage scale (Redis Cluster)`,
          );
        }
      }
    }
  }

  let kafkaBrokers: number | undefined;
  if (input.kafka) {
    const [bytesPerSecond, perRegionText] = perRegion(demand.peakMessageBytesPerSecond / 1e6, 'MB/s of messages at peak');
    const bytesText = noMessages ? `${perRegionText} (${noMessages})` : perRegionText;
    const zones = Math.min(3, input.zoneCount);
    const raw = ceilDiv(bytesPerSecond, a.kafkaMBpsPerBroker);
    kafkaBrokers = Math.max(zones, Math.ceil(raw / zones) * zones);
    reasons.kafka = `${bytesText} / ${fmt(a.kafkaMBpsPerBroker)} MB/s per broker → ${raw}; a multiple of ${zones} zones, at least ${zones} → ${kafkaBrokers}`;
    if (kafkaBrokers > 90)
      problem(
        'assumptions.kafkaMBpsPerBroker',
        `the workload needs ${kafkaBrokers} Kafka brokers per region; MSK allows at most 90 (streaming.brokers); allowed: a larger streaming.instanceType with a higher kafkaMBpsPerBroker`,
        'streaming.brokers',
      );
  }
  // With Kafka beside it (components.queue), the message stream goes to Kafka and RabbitMQ keeps the task queues.
  if (input.rabbitmq && !input.kafka && demand.peakMessagesPerSecond > a.messagesPerRabbitMq) {
    warnings.push(
      `${fmt(demand.peakMessagesPerSecond)} peak messages/s exceed the ${fmt(a.messagesPerRabbitMq)}/s at which seed 004 replaces RabbitMQ with Kafka (hyperscale)`,
    );
  }

  const expected = stageForMau(workload.mau);
  if (input.stageSource === 'pinned' && expected !== input.stage) {
    warnings.push(
      `workload.mau ${formatCount(workload.mau)} is in ${expected}'s range (${describeStageRange(expected)}, seed 004); this environment pins ${input.stage} (${describeStageRange(input.stage)})`,
    );
  }

  return {
    demand,
    regionCount: input.regionCount,
    regionDivisor: divisor,
    services,
    hosts,
    hostsAverageVcpu,
    nodes,
    dbShards,
    readReplicas,
    cockroachNodesPerRegion,
    redisShards,
    kafkaBrokers,
    reasons,
    problems,
    warnings,
  };
}

function unknownTypeMessage(type: string, known: readonly string[]): string {
  return `Stagecraft has no size figures for "${type}", so it cannot derive counts from the workload; allowed: ${known.join(', ')}`;
}
