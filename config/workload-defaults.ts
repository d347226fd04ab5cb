/**
 * Defaults of the workload profile. Only `mau` is required; every other field but one falls back
 * to the value below, taken from a seed document. `messagesPerDauPerDay` has none: the product's
 * messages are what its services declare (sizing/demand.ts), unless the file states them. Where a seed states a figure for a different
 * population (e.g. seed 004's peak requests at 10M MAU), the default is derived from it by the
 * arithmetic shown in `source`, and the code below does that arithmetic.
 *
 * The first six field names are fixed (users and tools rely on them); the rest refine the model.
 */
import { NumericSpec } from './numeric-spec';

const SECONDS_PER_DAY = 86_400;

/** Seed 004 Stage 4, "The architecture holds because": the load it reports at 10M MAU. */
const SEED_004_STAGE_4 = { mau: 10_000_000, peakRps: 3_750, primaryWriteQps: 18, replicaQps: 60, replicas: 2, redisOps: 3_500 };

/** Seed 002 "Quick Math" and §4: peak messages and the Redis operations they need. */
const SEED_002 = { peakMessagesPerSecond: 3_500_000, redisOpsNeeded: 10_000_000 };

const DAU_RATIO = 0.3;
const PEAK_FACTOR = 3;

export const WORKLOAD_DEFAULTS = {
  dauRatio: {
    value: DAU_RATIO,
    unit: 'share of MAU',
    description: 'Daily active users as a share of monthly active users.',
    source: 'seed 000 §2.1: "Active Rate: 30% (LINE\'s track record) = 60M DAU" of 200M MAU',
    min: 0,
    minExclusive: true,
    max: 1,
  },
  concurrentRatio: {
    value: 2_000_000 / 30_000_000,
    unit: 'share of DAU',
    description:
      'Users connected at the daily peak as a share of DAU: the default `demand.connectionsPerDailyUser` of a service with connections demand (a gateway). A product without one holds no connections.',
    source: 'seed 003 Performance Targets: "2M+ simultaneous connections" for "30 million daily active users" (2M / 30M)',
    min: 0,
    minExclusive: true,
    max: 1,
  },
  requestsPerDauPerDay: {
    value: ((SEED_004_STAGE_4.peakRps / PEAK_FACTOR) * SECONDS_PER_DAY) / (SEED_004_STAGE_4.mau * DAU_RATIO),
    unit: 'API requests per DAU per day',
    description: 'API requests each daily active user makes per day.',
    source: 'seed 004 Stage 4: "Peak ~3,750 req/s" at 10M MAU; ÷ peak factor 3 × 86,400 s ÷ (10M × DAU ratio 0.3) = 36',
    min: 0,
    minExclusive: true,
  },
  messagesPerDauPerDay: {
    unit: 'messages per DAU per day',
    description:
      "Messages (chat, events, queue jobs) each daily active user sends per day, for the whole product. Left out, it is what the services declare: the sum of the `queue` services' `demand.messagesPerDailyUser`, 0 when none does.",
    defaultText: 'what the services declare',
    source: "Stagecraft: no engine default; the product's services (`demand.driver: queue`) or this field state it (the chat example sets seed 002's 100)",
    min: 0,
  },
  peakFactor: {
    value: PEAK_FACTOR,
    unit: '× average',
    description: 'Peak-hour rate as a multiple of the daily average (requests and messages).',
    source: 'seed 002 Quick Math: "Peak (3x): ~3.5 million msg/sec"',
    min: 1,
    max: 100,
  },
  activeSessionRatio: {
    value: 0.1,
    unit: 'share of MAU',
    description: 'Users with a live session (kept in Redis) as a share of MAU.',
    source: 'seed 000 §1.2: "100M MAU, 10% active rate = 10M sessions"',
    min: 0,
    minExclusive: true,
    max: 1,
  },
  sessionBytes: {
    value: 100_000_000 / 100_000,
    unit: 'bytes',
    description: 'Size of one session in Redis.',
    source: 'seed 000 §1.2: "1 shard = 100K sessions = 100MB" (1 KB each)',
    min: 1,
    integer: true,
  },
  cacheBytesPerSession: {
    value: 10_000_000_000 / 10_000_000,
    unit: 'bytes',
    description: 'Cached objects (profiles, recent data) kept in Redis per live session.',
    source: 'seed 000 §1.4: "Cache: 10M user profiles → 10GB" at 100M MAU, the same 10M active users (1 KB each)',
    min: 0,
    integer: true,
  },
  messageBytes: {
    value: 1_000,
    unit: 'bytes',
    description: 'Size of one stored message (database row and Kafka record).',
    source: 'seed 002 §7: "100B messages × 1KB = 100 TB"',
    min: 1,
    integer: true,
  },
  userRowBytes: {
    value: 100_000_000_000 / 100_000_000,
    unit: 'bytes',
    description: 'Database bytes per user (the users table).',
    source: 'seed 000 §1.1: "users: 100M rows × 1KB = 100GB"',
    min: 1,
    integer: true,
  },
  writeBatchSize: {
    value: 100,
    unit: 'messages per transaction',
    description: 'Messages written to the database in one transaction (write batching).',
    source: 'seed 002 §1 B: "Batch 100 messages = 1 DB transaction"',
    min: 1,
    integer: true,
  },
  writesPerRequest: {
    value: SEED_004_STAGE_4.primaryWriteQps / SEED_004_STAGE_4.peakRps,
    unit: 'write transactions per API request',
    description: 'Database writes per API request, besides messages.',
    source: 'seed 004 Stage 4: "MySQL Primary … Peak ~18 QPS" under "Peak ~3,750 req/s" (18 / 3,750)',
    min: 0,
  },
  dbReadsPerRequest: {
    value: (SEED_004_STAGE_4.replicaQps * SEED_004_STAGE_4.replicas) / SEED_004_STAGE_4.peakRps,
    unit: 'queries per API request',
    description: 'Database reads per API request that miss the cache.',
    source: 'seed 004 Stage 4: two replicas at "Peak ~60 QPS each" under "Peak ~3,750 req/s" (120 / 3,750)',
    min: 0,
  },
  redisOpsPerRequest: {
    value: SEED_004_STAGE_4.redisOps / SEED_004_STAGE_4.peakRps,
    unit: 'Redis operations per API request',
    description: 'Redis operations per API request (sessions, cache, rate limits).',
    source: 'seed 004 Stage 4: "Redis … Peak ~3,500 ops/s" under "Peak ~3,750 req/s" (3,500 / 3,750)',
    min: 0,
  },
  redisOpsPerMessage: {
    value: SEED_002.redisOpsNeeded / SEED_002.peakMessagesPerSecond,
    unit: 'Redis operations per message',
    description: 'Redis operations per message (connection registry lookup, stream append, pub/sub).',
    source: 'seed 002 §4: "Need: 10M+ ops/sec" at "Peak (3x): ~3.5 million msg/sec" (10M / 3.5M)',
    min: 0,
  },
  hotRetentionDays: {
    value: 7,
    unit: 'days',
    description: 'Days messages stay in the hot Postgres table before moving to cheaper storage.',
    source: 'seed 002 §7: "HOT (0-7 days): PostgreSQL + Redis"',
    min: 0,
    max: 3650,
  },
  storageKBPerMau: {
    value: 500,
    unit: 'KB per MAU',
    description: 'User content (avatars, files) stored in S3 per monthly active user.',
    source: 'seed 000 §1.3: "Storage: 100M users × 500KB = 50TB"',
    min: 0,
  },
  transferKBPerDauPerDay: {
    value: (100 * 1e12) / 1e9 / 1e3,
    unit: 'KB per DAU per day',
    description: 'Bytes served from the origin to the internet (through Cloudflare) per daily active user per day.',
    source: 'seed 002 §9: "Bandwidth 100 TB/day" for 1B users (100 KB each)',
    min: 0,
  },
} as const satisfies Record<string, NumericSpec>;

export type WorkloadDefaultName = keyof typeof WORKLOAD_DEFAULTS;

/** Fields with no default value: left out, the sizing takes them from the services (sizing/demand.ts). */
type UndefaultedField = 'messagesPerDauPerDay';

/** A workload with every field resolved; `messagesPerDauPerDay` only when the file sets it. */
export type Workload = { readonly mau: number } & { readonly [K in Exclude<WorkloadDefaultName, UndefaultedField>]: number } & {
  readonly [K in UndefaultedField]?: number;
};

export const WORKLOAD_FIELDS = Object.keys(WORKLOAD_DEFAULTS) as WorkloadDefaultName[];

/** Applies the defaults to the fields a workload profile leaves out; a field without one stays out. */
export function resolveWorkload(given: { readonly mau: number } & Partial<Record<WorkloadDefaultName, number>>): Workload {
  const resolved: Record<string, number> = { mau: given.mau };
  for (const field of WORKLOAD_FIELDS) {
    const spec: NumericSpec = WORKLOAD_DEFAULTS[field];
    const value = given[field] ?? spec.value;
    if (value !== undefined) resolved[field] = value;
  }
  return resolved as Workload;
}
