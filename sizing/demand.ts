/**
 * Workload → demand: the rates, sizes and volumes the workload puts on the platform, before any
 * capacity is chosen. Pure arithmetic on the resolved workload; every figure is global (all
 * regions together). `capacity.ts` divides by the regions that must carry it.
 */
import { Workload } from '../config/workload-defaults';

export const SECONDS_PER_DAY = 86_400;
/** Average days in a month (365.25 / 12), for monthly volumes. */
export const DAYS_PER_MONTH = 30.4375;

/** What a workload demands, globally. Rates are per second; sizes in bytes; volumes per month. */
export interface Demand {
  readonly mau: number;
  readonly dau: number;
  /** Users connected at the daily peak: the WebSocket connections to hold. Already a peak figure. */
  readonly peakConnections: number;
  readonly averageRps: number;
  readonly peakRps: number;
  readonly averageMessagesPerSecond: number;
  readonly peakMessagesPerSecond: number;
  /** Live sessions, kept in Redis. */
  readonly sessions: number;
  /** Database write transactions at peak: batched messages plus request writes. */
  readonly peakDbWritesPerSecond: number;
  /** Database reads at peak (cache misses). */
  readonly peakDbReadsPerSecond: number;
  readonly peakRedisOpsPerSecond: number;
  /** Sessions plus cached objects. */
  readonly redisBytes: number;
  /** The largest table: users (one row per MAU) or hot messages, whichever is bigger. */
  readonly largestTable: { readonly name: 'users' | 'messages'; readonly rows: number };
  /** Users plus hot messages, in the database. */
  readonly databaseBytes: number;
  /** User content in S3. */
  readonly storedBytes: number;
  /** Origin → internet bytes per month. */
  readonly egressBytesPerMonth: number;
  readonly requestsPerMonth: number;
  /** Message bytes written per second at peak (Kafka ingress). */
  readonly peakMessageBytesPerSecond: number;
}

export function demandOf(w: Workload): Demand {
  const dau = w.mau * w.dauRatio;
  const averageRps = (dau * w.requestsPerDauPerDay) / SECONDS_PER_DAY;
  const averageMessagesPerSecond = (dau * w.messagesPerDauPerDay) / SECONDS_PER_DAY;
  const peakRps = averageRps * w.peakFactor;
  const peakMessagesPerSecond = averageMessagesPerSecond * w.peakFactor;
  const sessions = w.mau * w.activeSessionRatio;
  const hotMessages = dau * w.messagesPerDauPerDay * w.hotRetentionDays;
  return {
    mau: w.mau,
    dau,
    peakConnections: dau * w.concurrentRatio,
    averageRps,
    peakRps,
    averageMessagesPerSecond,
    peakMessagesPerSecond,
    sessions,
    peakDbWritesPerSecond: peakMessagesPerSecond / w.writeBatchSize + peakRps * w.writesPerRequest,
    peakDbReadsPerSecond: peakRps * w.dbReadsPerRequest,
    peakRedisOpsPerSecond: peakRps * w.redisOpsPerRequest + peakMessagesPerSecond * w.redisOpsPerMessage,
    redisBytes: sessions * (w.sessionBytes + w.cacheBytesPerSession),
    largestTable: hotMessages > w.mau ? { name: 'messages', rows: hotMessages } : { name: 'users', rows: w.mau },
    databaseBytes: w.mau * w.userRowBytes + hotMessages * w.messageBytes,
    storedBytes: w.mau * w.storageKBPerMau * 1_000,
    egressBytesPerMonth: dau * w.transferKBPerDauPerDay * 1_000 * DAYS_PER_MONTH,
    requestsPerMonth: dau * w.requestsPerDauPerDay * DAYS_PER_MONTH,
    peakMessageBytesPerSecond: peakMessagesPerSecond * w.messageBytes,
  };
}
