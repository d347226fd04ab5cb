/**
 * Stateless routing. Where the environment has a Cloudflare load balancer, every request goes to
 * the load-balanced hostname, once, and the load balancer steers it (geo steering, health
 * monitors, failover across pools): the Worker does not second-guess the paid steering.
 * Without one, every request goes to the nearest healthy region, from `request.cf` and the
 * environment's failover tables (the same ones the load balancer would use).
 *
 * A region is skipped when operators or automation flag it "unhealthy" in EDGE_STATE. A
 * request moves on to the next region when its origin fails: a connection error, a timeout
 * or a 5xx for requests that are safe to replay (idempotent methods, or an Idempotency-Key),
 * and only a 503 (the origin declined it) for the rest, which may have been processed.
 *
 * The origin sees the public Host the client used (`api.<domain>`), never the upstream's name:
 * the regions' ALB listener rules route by the public hosts, and a Host such as
 * `origin-<region>.<domain>` would meet their default 404 wherever a route names its hosts. The
 * Worker reaches the upstream (the load-balanced hostname, or a region's `origin-<region>` record)
 * with `cf.resolveOverride`, which keeps the URL's host as the Host header; both names are in the
 * product's zone, the one the Worker's routes are on, as resolveOverride requires.
 */
import { EdgeServiceRoute, HEADER, HEALTH_KEY, RoutingConfig } from './contract';
import { geoRegionOf } from './geo';
import { KvNamespace, RequestLocation, WorkerRequestInit } from './runtime';

/** Regions in the order to try them for a request from `location`. */
export function regionOrder(routing: RoutingConfig, location: RequestLocation | undefined): readonly string[] {
  const country = location?.country?.toUpperCase();
  if (country && routing.countryPools[country]) return routing.countryPools[country];
  const geo = geoRegionOf(location);
  return (geo && routing.regionPools[geo]) || routing.regions;
}

let healthMemo: { readonly flags: ReadonlySet<string>; readonly until: number } | undefined;

/**
 * Regions flagged unhealthy in EDGE_STATE. KV caches the read at the edge for 30 s, and the
 * isolate reuses it for `memoSeconds`, so a flag costs one KV read per isolate per interval,
 * not one per request. A malformed value flags nothing.
 */
export async function unhealthyRegions(edgeState: KvNamespace, memoSeconds: number): Promise<ReadonlySet<string>> {
  const now = Date.now();
  if (healthMemo && healthMemo.until > now) return healthMemo.flags;
  const raw = await edgeState.get(HEALTH_KEY, { cacheTtl: 30 });
  let flags: ReadonlySet<string> = new Set();
  if (raw !== null) {
    try {
      const parsed = JSON.parse(raw) as Record<string, unknown>;
      flags = new Set(
        Object.entries(parsed)
          .filter(([, state]) => state === 'unhealthy')
          .map(([region]) => region),
      );
    } catch {
      flags = new Set();
    }
  }
  healthMemo = { flags, until: now + memoSeconds * 1000 };
  return flags;
}

/** Healthy regions first in `order`; if every region is flagged, all of them (better to try than to refuse). */
export function candidates(order: readonly string[], unhealthy: ReadonlySet<string>): readonly string[] {
  const healthy = order.filter((region) => !unhealthy.has(region));
  return healthy.length > 0 ? healthy : order;
}

/** Where the Worker may send a request: a region's origin, or the load balancer. */
export interface Upstream {
  /** `load-balancer`, or the region code. */
  readonly name: string;
  readonly base: string;
  /** The region, when the upstream is one region's origin. */
  readonly region?: string;
}

/** The name of the load balancer upstream, in logs. */
export const LOAD_BALANCER = 'load-balancer';

/** The upstreams to try, in order: the load balancer alone where there is one, else each of `regions` with an origin. */
export function upstreams(routing: RoutingConfig, regions: readonly string[]): readonly Upstream[] {
  if (routing.loadBalancer) return [{ name: LOAD_BALANCER, base: routing.loadBalancer }];
  return regions.filter((region) => routing.origins[region]).map((region) => ({ name: region, base: routing.origins[region], region }));
}

/** One try against one upstream, for the logs. */
export interface Attempt {
  /** The region, or `load-balancer`. */
  readonly region: string;
  readonly status?: number;
  readonly error?: string;
  readonly ms: number;
}

export interface OriginResult {
  /** The origin's response, or undefined when no region answered. */
  readonly response?: Response;
  /** The region that answered, when the Worker chose it (not through the load balancer). */
  readonly region?: string;
  readonly attempts: readonly Attempt[];
}

export interface OriginRequest {
  readonly method: string;
  /** The public hostname the client asked for (`api.example.com`): the URL's host, so the Host the origin sees. */
  readonly host: string;
  /** Path and query, e.g. `/api/messages?limit=20`. */
  readonly pathAndQuery: string;
  readonly headers: Headers;
  readonly body?: ArrayBuffer;
  readonly replayable: boolean;
  readonly timeoutMs: number;
}

function shouldFailOver(status: number, replayable: boolean): boolean {
  if (!replayable) return status === 503;
  return status >= 500 && status !== 501 && status !== 505;
}

/** Sends the request to each upstream in turn until one answers acceptably. */
export async function forwardWithFailover(targets: readonly Upstream[], request: OriginRequest): Promise<OriginResult> {
  const attempts: Attempt[] = [];
  let last: { response: Response; region?: string } | undefined;
  for (const [index, { name, base, region }] of targets.entries()) {
    const started = Date.now();
    const isLast = index === targets.length - 1;
    try {
      const upstream = new URL(base);
      const init: WorkerRequestInit = {
        method: request.method,
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(request.timeoutMs),
        cf: { resolveOverride: upstream.hostname },
      };
      const response = await fetch(`${upstream.protocol}//${request.host}${request.pathAndQuery}`, init);
      attempts.push({ region: name, status: response.status, ms: Date.now() - started });
      if (isLast || !shouldFailOver(response.status, request.replayable)) return { response, region, attempts };
      last = { response, region };
      await response.body?.cancel();
    } catch (error) {
      attempts.push({ region: name, error: error instanceof Error ? error.name : 'Error', ms: Date.now() - started });
      if (!request.replayable) return { attempts };
    }
  }
  // Every region failed: report the last answer if there was one (its body was released, so keep only the status).
  return last ? { response: new Response(null, { status: last.response.status }), region: last.region, attempts } : { attempts };
}

/** Headers for the origin: the client's, minus the host (the fetch URL's, the public host, is sent) and the ones only the edge may set, plus the edge's. */
export function originHeaders(client: Headers, extra: { requestId: string; host: string; userId?: string }): Headers {
  const headers = new Headers(client);
  for (const name of ['host', 'proxy-authorization', HEADER.user, HEADER.region]) headers.delete(name);
  headers.set(HEADER.requestId, extra.requestId);
  headers.set('x-forwarded-host', extra.host);
  if (extra.userId !== undefined) headers.set(HEADER.user, extra.userId);
  return headers;
}

/**
 * The edge-first service that answers `host` and `path` (already normalized), if any: the longest
 * path prefix among the routes on that host.
 */
export function edgeServiceFor(routing: RoutingConfig, host: string, path: string): EdgeServiceRoute | undefined {
  let best: EdgeServiceRoute | undefined;
  for (const route of routing.edgeServices ?? []) {
    if (!route.hosts.includes(host)) continue;
    const under = route.pathPrefix === '/' || path === route.pathPrefix || path.startsWith(`${route.pathPrefix}/`);
    if (under && (!best || route.pathPrefix.length > best.pathPrefix.length)) best = route;
  }
  return best;
}
