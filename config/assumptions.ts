/**
 * Per-unit capacities that turn demand into counts of the platform's components. Every entry
 * is a named, overridable assumption with its source. What a service's pods carry and request is
 * the service's own (`demand` and `resources` in `services/<name>.yaml`), not an assumption here. An environment overrides any of them under
 * `assumptions:`; `stagecraft size` prints the values it used.
 *
 * Seeds: 000 (Authrim hyper-scale analysis), 002 (1B users / 10M concurrent plan),
 * 004 (scaling strategy, day 1 to 100M users). "Stagecraft" marks a value no seed gives,
 * with the reasoning behind it.
 */
import { NumericSpec } from './numeric-spec';

export const ASSUMPTIONS = {
  autoscaleHeadroom: {
    value: 2.5,
    unit: '× peak',
    description: 'How far above the forecast peak `max` pods reach, for bursts the forecast misses.',
    source: 'seed 002 §10: WebSocket "Min: 200 pods, Max: 500 pods" (500 / 200 = 2.5)',
    min: 1,
    max: 20,
  },
  rateLimiterMsPerCall: {
    value: 5,
    unit: 'ms',
    description:
      'Wall-clock time the edge rate-limiter Durable Object is active per call from the Worker; Cloudflare bills Durable Object duration at 128 MB for that time.',
    source: 'Stagecraft: the limiter answers from its in-memory windows (workers/edge/rate-limiter.ts); a few ms per call, the hop from the Worker included',
    min: 0,
    max: 30_000,
  },
  nodeSystemCpu: {
    value: 0.25,
    unit: 'vCPU',
    description: 'CPU each node gives to system pods (aws-node, kube-proxy, pod identity agent, EBS CSI node) beyond kubelet reservations.',
    source: 'Stagecraft: the DaemonSets of the EKS add-ons this platform installs, rounded up',
    min: 0,
    max: 16,
  },
  nodeSystemMemoryGiB: {
    value: 0.5,
    unit: 'GiB',
    description: 'Memory each node gives to system pods beyond kubelet reservations.',
    source: 'Stagecraft: the DaemonSets of the EKS add-ons this platform installs, rounded up',
    min: 0,
    max: 64,
  },
  writesPerPostgresShard: {
    value: 10_000,
    unit: 'write transactions/s',
    description: 'Write transactions one Postgres primary (one shard) sustains.',
    source: 'seed 002 §1: "Single PostgreSQL: ~10K writes/sec"; batching gives "10K transactions/sec (achievable!)"',
    min: 1,
  },
  readsPerPostgresReplica: {
    value: 3_000,
    unit: 'queries/s',
    description: 'Read queries one Postgres read replica serves.',
    source: 'seed 004 Stage 4: "MySQL Replicas ~3,000 QPS each"',
    min: 1,
  },
  rowsPerTableShard: {
    value: 500_000_000,
    unit: 'rows',
    description: 'Rows one table may hold on one shard before it is split.',
    source: 'seed 004 Scaling Decision Cheat Sheet: "Single table > 500M rows → Archive or shard"',
    min: 1,
    integer: true,
  },
  redisOpsPerNode: {
    value: 100_000,
    unit: 'operations/s',
    description: 'Operations one Redis primary serves.',
    source: 'seed 002 §4: "Single Redis: ~100K ops/sec"; seed 004 Stage 4: "Redis (16 GB) ~100,000 ops/s"',
    min: 1,
  },
  redisScaleAtUtilization: {
    value: 0.8,
    unit: 'share of node capacity',
    description: 'Share of `redisOpsPerNode` a shard is loaded to before another shard is added.',
    source: 'seed 002 §10 Redis: "Scale up when … ops/sec > 800K per node" — 80% of what its nodes take',
    min: 0,
    minExclusive: true,
    max: 1,
  },
  sessionShardFillLimit: {
    value: 0.8,
    unit: 'share of node memory',
    description: 'Session-shard size limit: a Redis shard holds sessions and cached objects up to this share of its node memory.',
    source: 'seed 002 §10 Redis: "Scale up when: Memory > 80%"; seed 000 §1.2: a 100MB session shard under a 128MB limit (78%) "barely fits"',
    min: 0,
    minExclusive: true,
    max: 1,
  },
  messagesPerRabbitMq: {
    value: 10_000,
    unit: 'messages/s',
    description: 'Message rate above which RabbitMQ gives way to Kafka.',
    source: 'seed 004 Stage 5: "Kafka (replace RabbitMQ)" when "Message volume > 10K/sec"',
    min: 1,
  },
  kafkaMBpsPerBroker: {
    value: 20,
    unit: 'MB/s written',
    description: 'Producer throughput one MSK broker takes, replication (factor 3) and TLS included.',
    source: 'Stagecraft: no seed gives a figure; a conservative rate for kafka.m7g.large brokers. Measure and override',
    min: 0,
    minExclusive: true,
  },
  writesPerCockroachNode: {
    value: 10_000,
    unit: 'replica writes/s',
    description: 'Replica writes one CockroachDB node applies (each transaction is applied on every replica).',
    source: 'Stagecraft: the rate of one Postgres primary (seed 002 §1: "~10K writes/sec"); no seed sizes CockroachDB by load',
    min: 1,
  },
  cockroachReplicationFactor: {
    value: 3,
    unit: 'replicas',
    description: 'Replicas of every CockroachDB range.',
    source: 'seed 000 §2.4: "num_replicas = 3"',
    min: 3,
    max: 7,
    integer: true,
  },
} as const satisfies Record<string, NumericSpec>;

export type AssumptionName = keyof typeof ASSUMPTIONS;
export type Assumptions = { readonly [K in AssumptionName]: number };

export const ASSUMPTION_NAMES = Object.keys(ASSUMPTIONS) as AssumptionName[];

/** Every assumption, with the environment's overrides applied. */
export function resolveAssumptions(overrides: Partial<Record<AssumptionName, number>> = {}): Assumptions {
  return Object.fromEntries(ASSUMPTION_NAMES.map((name) => [name, overrides[name] ?? ASSUMPTIONS[name].value])) as Assumptions;
}
