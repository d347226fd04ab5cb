/**
 * Workload → monthly usage: the usage-based quantities the cost estimate multiplies by a price
 * (GB stored and transferred, load balancer capacity units, requests). Pure arithmetic.
 *
 * Traffic is split evenly over the regions (every region serves in normal operation); the
 * N − 1 rule of `capacity.ts` sizes capacity, not the bill for traffic.
 */
import { Demand, DAYS_PER_MONTH, SECONDS_PER_DAY } from './demand';
import { Workload } from '../config/workload-defaults';
import { ASSUMPTIONS } from '../config/assumptions';
import type { ServiceDemand } from '../config/service-definition';

const GB = 1e9;

/** Usage of one region of an environment, per month unless named otherwise. */
export interface RegionUsage {
  readonly regionCount: number;
  /** Origin → internet (Cloudflare) bytes this region serves. */
  readonly egressGB: number;
  /** User content this region stores in S3. */
  readonly storedGB: number;
  /** Database data this region holds (the whole dataset on single-region stages). */
  readonly databaseGB: number;
  /** Average open connections on the region's load balancer (the daily peak ÷ the peak factor). */
  readonly averageConnections: number;
  /** Average GB an hour the region's load balancer processes. */
  readonly processedGBPerHour: number;
  /** API requests of the whole environment (Cloudflare Workers run everywhere). */
  readonly requestsPerMonth: number;
  /** Bytes replicated between regions, over all of the environment's peering connections. */
  readonly interRegionGB: number;
  /** Peering connections in the environment: every pair of regions. */
  readonly peeringConnections: number;
  /** Database queries (reads that miss the cache, and writes) of the whole environment. */
  readonly databaseQueriesPerMonth: number;
  /** The logical dataset (users and hot messages), once, GB. */
  readonly datasetGB: number;
  /** What the environment's edge Worker, its rate limiter, KV and the message archive see a month (whole environment). */
  readonly edge: EdgeUsage;
  /** Average vCPU each application host is busy with (single-host stages; `WorkloadSizing.hostAverageVcpu`). */
  readonly hostAverageVcpu?: number;
  /**
   * Active-passive Postgres: what the writer region ships to each standby region's copy (an RDS
   * cross-region replica, or an Aurora Global Database secondary) a month. Absent otherwise.
   */
  readonly postgresStandby?: PostgresStandbyUsage;
}

/** The replication one standby region of an active-passive Postgres receives a month, from the workload's writes. */
export interface PostgresStandbyUsage {
  /** The region that takes every write (the environment's first). */
  readonly writerRegion: string;
  /** Bytes of the rows the workload writes (messages and request writes), GB: what crosses to each standby region. */
  readonly writeGB: number;
  /** Write I/Os of those writes in Aurora's 4 KiB units: each batched message write and each request write, rounded up to whole units. */
  readonly writeIos: number;
}

/** Aurora counts write I/Os in 4 KiB units. */
const AURORA_IO_BYTES = 4096;

/**
 * What every standby region receives from the writer: the workload's database writes a month,
 * as bytes and as Aurora write I/Os.
 */
export function postgresStandbyUsage(demand: Demand, workload: Workload, writerRegion: string): PostgresStandbyUsage {
  const secondsPerMonth = SECONDS_PER_DAY * DAYS_PER_MONTH;
  const rowWritesPerSecond = demand.averageRps * workload.writesPerRequest;
  const messageBatchesPerSecond = demand.averageMessagesPerSecond / workload.writeBatchSize;
  const bytesPerSecond = demand.averageMessagesPerSecond * workload.messageBytes + rowWritesPerSecond * workload.userRowBytes;
  const iosPerSecond =
    messageBatchesPerSecond * Math.ceil((workload.writeBatchSize * workload.messageBytes) / AURORA_IO_BYTES) +
    rowWritesPerSecond * Math.ceil(workload.userRowBytes / AURORA_IO_BYTES);
  return { writerRegion, writeGB: (bytesPerSecond * secondsPerMonth) / GB, writeIos: iosPerSecond * secondsPerMonth };
}

/** Monthly usage of the Cloudflare products the edge stack builds, for the whole environment. */
export interface EdgeUsage {
  /** Daily active users. */
  readonly dau: number;
  /** Calls from the Worker to the rate-limiter Durable Object: one per API request (its `api` limit). */
  readonly rateLimiterCalls: number;
  /** Wall-clock seconds the rate limiter is active per call (`assumptions.rateLimiterMsPerCall`). */
  readonly rateLimiterSecondsPerCall: number;
  /** KV reads: one session lookup per API request. */
  readonly kvReads: number;
  /** KV writes: one session cached per daily user a day. */
  readonly kvWrites: number;
  /** GB the session cache holds: live sessions × session size. */
  readonly kvStoredGB: number;
  /** Message bytes written a month, GB: what the archive receives once messages leave the hot table. */
  readonly messagesGBPerMonth: number;
  /** What each edge-first service's Worker does a month, by Workers script name. @default none */
  readonly services?: Readonly<Record<string, EdgeServiceUsage>>;
}

/** A month of one edge-first service's Worker (services with `edge:`), from its `demand` and the workload. */
export interface EdgeServiceUsage {
  readonly requests: number;
  readonly cpuMs: number;
  readonly durableObjectRequests: number;
  readonly kvReads: number;
}

/**
 * An edge-first service's month: requests per daily user (its `requests` demand, else the
 * workload's) × daily users × days, CPU per request, and its Durable Object and KV calls per request.
 */
export function edgeServiceUsage(
  service: { readonly demand: ServiceDemand; readonly edge?: { readonly durableObjectRequestsPerRequest: number; readonly kvReadsPerRequest: number } },
  workload: Workload,
  dau: number,
): EdgeServiceUsage {
  const demand = service.demand.driver === 'requests' ? service.demand : undefined;
  const requests = dau * (demand?.requestsPerDailyUser ?? workload.requestsPerDauPerDay) * DAYS_PER_MONTH;
  return {
    requests,
    cpuMs: requests * (demand?.cpuMillisPerRequest ?? 0),
    durableObjectRequests: requests * (service.edge?.durableObjectRequestsPerRequest ?? 0),
    kvReads: requests * (service.edge?.kvReadsPerRequest ?? 0),
  };
}

export function regionUsage(
  demand: Demand,
  workload: Workload,
  regionCount: number,
  replicationFactor: number,
  rateLimiterMsPerCall: number = ASSUMPTIONS.rateLimiterMsPerCall.value,
): RegionUsage {
  const share = 1 / regionCount;
  const egressGB = demand.egressBytesPerMonth / GB;
  // Each committed write is shipped to the replicas outside the region that took it.
  const averageWriteBytesPerSecond =
    demand.averageMessagesPerSecond * workload.messageBytes + demand.averageRps * workload.writesPerRequest * workload.userRowBytes;
  const remoteReplicas = regionCount > 1 ? Math.min(replicationFactor, regionCount) - 1 : 0;
  const secondsPerMonth = SECONDS_PER_DAY * DAYS_PER_MONTH;
  return {
    regionCount,
    egressGB: egressGB * share,
    storedGB: (demand.storedBytes / GB) * share,
    databaseGB: (demand.databaseBytes / GB) * (regionCount > 1 ? Math.min(replicationFactor, regionCount) * share : 1),
    averageConnections: (demand.peakConnections / workload.peakFactor) * share,
    processedGBPerHour: (egressGB * share) / (24 * DAYS_PER_MONTH),
    requestsPerMonth: demand.requestsPerMonth,
    interRegionGB: (averageWriteBytesPerSecond * remoteReplicas * secondsPerMonth) / GB,
    peeringConnections: (regionCount * (regionCount - 1)) / 2,
    databaseQueriesPerMonth: ((demand.peakDbReadsPerSecond + demand.peakDbWritesPerSecond) / workload.peakFactor) * secondsPerMonth,
    datasetGB: demand.databaseBytes / GB,
    edge: {
      dau: demand.dau,
      rateLimiterCalls: demand.requestsPerMonth,
      rateLimiterSecondsPerCall: rateLimiterMsPerCall / 1000,
      kvReads: demand.requestsPerMonth,
      kvWrites: demand.dau * DAYS_PER_MONTH,
      kvStoredGB: (demand.sessions * workload.sessionBytes) / GB,
      messagesGBPerMonth: (demand.averageMessagesPerSecond * secondsPerMonth * workload.messageBytes) / GB,
    },
  };
}
