/**
 * The line of reasoning of an edge-first service (a service with `edge:`, docs/edge-services.md):
 * it runs as a Cloudflare Worker in every Cloudflare location, so it has no pods and takes no node.
 * What it does carry is requests, Worker CPU, Durable Object requests and KV reads, derived
 * from its `demand` and the workload the same way `sizing/usage.ts` derives its month for the
 * cost. Workers serve every location at once: the load is the whole environment's, not a region's.
 */
import type { ServiceDefinition } from '../config/service-definition';
import type { Workload } from '../config/workload-defaults';
import { SECONDS_PER_DAY } from './demand';
import { fmt } from './numbers';
import { EdgeServiceUsage, edgeServiceUsage } from './usage';

/** One edge-first service's load at peak and in a month, with its line of reasoning. */
export interface EdgeServiceLoad {
  readonly name: string;
  /** Requests a second at the daily peak, the whole environment (every Cloudflare location). */
  readonly peakRequestsPerSecond: number;
  /** Worker CPU seconds a second at peak. */
  readonly peakCpuSecondsPerSecond: number;
  readonly peakDurableObjectRequestsPerSecond: number;
  readonly peakKvReadsPerSecond: number;
  /** Its month, as the cost estimate prices it. */
  readonly month: EdgeServiceUsage;
  readonly reason: string;
}

/** The load of each edge-first service of an environment at `dau` daily users. */
export function sizeEdgeServices(services: readonly ServiceDefinition[], workload: Workload, dau: number): EdgeServiceLoad[] {
  return services.filter((s) => s.edge !== undefined).map((service) => edgeServiceLoad(service, workload, dau));
}

function edgeServiceLoad(service: ServiceDefinition, workload: Workload, dau: number): EdgeServiceLoad {
  const edge = service.edge!;
  const demand = service.demand.driver === 'requests' ? service.demand : undefined;
  const perUser = demand?.requestsPerDailyUser ?? workload.requestsPerDauPerDay;
  const perUserSource = demand?.requestsPerDailyUser === undefined ? " (the workload's requestsPerDauPerDay)" : '';
  const cpuMs = demand?.cpuMillisPerRequest ?? 0;
  const peak = ((dau * perUser) / SECONDS_PER_DAY) * workload.peakFactor;
  const month = edgeServiceUsage(service, workload, dau);
  const bindings = (names: readonly string[]) => (names.length === 0 ? '' : ` (${names.join(', ')})`);
  const parts = [
    `${fmt(dau)} DAU × ${fmt(perUser)} req/day${perUserSource} ÷ 86,400 × ${fmt(workload.peakFactor)} peak = ${fmt(peak)} req/s at the edge, every location together (no region carries it)`,
    `× ${fmt(cpuMs)} CPU-ms = ${fmt((peak * cpuMs) / 1000)} Worker CPU-s/s`,
    `× ${fmt(edge.durableObjectRequestsPerRequest)} Durable Object requests per request = ${fmt(peak * edge.durableObjectRequestsPerRequest)}/s${bindings(edge.durableObjects)}`,
    `× ${fmt(edge.kvReadsPerRequest)} KV reads per request = ${fmt(peak * edge.kvReadsPerRequest)}/s${bindings(edge.kvNamespaces)}`,
  ];
  return {
    name: service.name,
    peakRequestsPerSecond: peak,
    peakCpuSecondsPerSecond: (peak * cpuMs) / 1000,
    peakDurableObjectRequestsPerSecond: peak * edge.durableObjectRequestsPerRequest,
    peakKvReadsPerSecond: peak * edge.kvReadsPerRequest,
    month,
    reason:
      `${parts.join('; ')}; a month: ${fmt(month.requests / 1e6)}M requests, ${fmt(month.durableObjectRequests / 1e6)}M Durable Object requests, ` +
      `${fmt(month.kvReads / 1e6)}M KV reads (priced below) → Workers scale per request: no pods, no nodes`,
  };
}
