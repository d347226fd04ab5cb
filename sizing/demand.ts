/**
 * Workload and services → demand: the rates, sizes and volumes the product puts on the platform,
 * before any capacity is chosen. Pure arithmetic; every figure is global (all regions together).
 * `capacity.ts` divides by the regions that must carry it.
 *
 * The engine knows no product: its messages are what the services declare (each `queue` service's
 * messages per daily user, or the workload's `messagesPerDauPerDay` when the file states the
 * product's figure), its connections what its gateways declare (each `connections` service's
 * connections per daily user). A product whose services declare none has none.
 */
import { ServiceDefinition } from '../config/service-definition';
import { Workload } from '../config/workload-defaults';

export const SECONDS_PER_DAY = 86_400;
/** Average days in a month (365.25 / 12), for monthly volumes. */
export const DAYS_PER_MONTH = 30.4375;

/** What a workload demands, globally. Rates are per second; sizes in bytes; volumes per month. */
export interface Demand {
  readonly mau: number;
  readonly dau: number;
  /** Users connected at the daily peak: the connections its gateways hold. Already a peak figure. */
  readonly peakConnections: number;
  /** Where the messages come from: the workload's own figure, or the services that declare them (none: 0 messages). */
  readonly messagesFrom: DeclaredBy;
  /** The services whose demand holds connections (none: 0 connections). */
  readonly connectionsFrom: readonly string[];
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

/** Who states a product figure: the workload (`workload.<field>`), or the services that declare it, by name. */
export type DeclaredBy = { readonly workload: true } | { readonly services: readonly string[] };

/** Messages a `queue` service declares per daily user: its own figure, else the workload's; undefined with neither. */
export function messagesPerDailyUserOf(service: ServiceDefinition, w: Workload): number | undefined {
  return service.demand.driver === 'queue' ? (service.demand.messagesPerDailyUser ?? w.messagesPerDauPerDay) : undefined;
}

/** Connections a `connections` service holds per daily user at peak: its own figure, else the workload's `concurrentRatio`. */
export function connectionsPerDailyUserOf(service: ServiceDefinition, w: Workload): number | undefined {
  return service.demand.driver === 'connections' ? (service.demand.connectionsPerDailyUser ?? w.concurrentRatio) : undefined;
}

/**
 * The product's messages and connections per daily user, from the enabled `services`: the
 * workload's `messagesPerDauPerDay` when the file states it, else the sum of what the queue
 * services declare (a queue service that states none, with no workload figure, counts 0 here;
 * capacity.ts stops on it); connections are the sum of what the connection services declare.
 */
export function declaredRates(
  w: Workload,
  services: readonly ServiceDefinition[],
): { messagesPerDau: number; messagesFrom: DeclaredBy; connectionsPerDau: number; connectionsFrom: readonly string[] } {
  const queues = services.filter((s) => s.demand.driver === 'queue');
  const gateways = services.filter((s) => s.demand.driver === 'connections');
  return {
    messagesPerDau: w.messagesPerDauPerDay ?? queues.reduce((sum, s) => sum + (messagesPerDailyUserOf(s, w) ?? 0), 0),
    messagesFrom: w.messagesPerDauPerDay !== undefined ? { workload: true } : { services: queues.map((s) => s.name) },
    connectionsPerDau: gateways.reduce((sum, s) => sum + (connectionsPerDailyUserOf(s, w) ?? 0), 0),
    connectionsFrom: gateways.map((s) => s.name),
  };
}

/** The demand of the product whose enabled services are `services` (the environment's, a disabled one left out). */
export function demandOf(w: Workload, services: readonly ServiceDefinition[]): Demand {
  const rates = declaredRates(w, services);
  const dau = w.mau * w.dauRatio;
  const averageRps = (dau * w.requestsPerDauPerDay) / SECONDS_PER_DAY;
  const averageMessagesPerSecond = (dau * rates.messagesPerDau) / SECONDS_PER_DAY;
  const peakRps = averageRps * w.peakFactor;
  const peakMessagesPerSecond = averageMessagesPerSecond * w.peakFactor;
  const sessions = w.mau * w.activeSessionRatio;
  const hotMessages = dau * rates.messagesPerDau * w.hotRetentionDays;
  return {
    mau: w.mau,
    dau,
    peakConnections: dau * rates.connectionsPerDau,
    messagesFrom: rates.messagesFrom,
    connectionsFrom: rates.connectionsFrom,
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

/** "no service declares messages" when no figure states any, for the demand line and the reasoning. */
export function undeclared(what: 'messages' | 'connections', demand: Demand): string | undefined {
  if (what === 'messages') return 'workload' in demand.messagesFrom || demand.messagesFrom.services.length > 0 ? undefined : 'no service declares messages';
  return demand.connectionsFrom.length > 0 ? undefined : 'no service declares connections';
}
