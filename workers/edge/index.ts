/**
 * The edge Worker: in front of every region's origin on stages that run compute at the edge.
 *
 * For each request it checks the input (request id, Authorization, method, body size),
 * validates the session through a KV read-through cache, applies the sliding-window limits,
 * and forwards the request: to the load-balanced hostname where the environment has a
 * Cloudflare load balancer (which steers it), else to the nearest healthy region, moving on to
 * the next-nearest when an origin fails. It logs one JSON line per request with the request id, which it also
 * forwards to the origin. `GET /healthz` answers from the edge alone.
 */
import { EdgeServiceRoute, HEADER, LimitsConfig, PATHS } from './contract';
import { bearerTokenOf, checkMethod, EdgeRejection, errorResponse, isReplayable, readBody, requestIdOf } from './http';
import { geoRegionOf } from './geo';
import { AmbiguousPath, isUnder, normalizePath } from './paths';
import { logEvent, logRequest, RequestLog } from './log';
import { checkLimits, RateLimiter, recordEvent, RuleCheck } from './rate-limiter';
import { candidates, edgeServiceFor, forwardWithFailover, OriginResult, originHeaders, regionOrder, unhealthyRegions, upstreams } from './routing';
import { EdgeEnv, ExecutionContext, locationOf } from './runtime';
import { validateSession } from './sessions';

export { RateLimiter };

const MINUTE_MS = 60_000;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export default {
  async fetch(request: Request, env: EdgeEnv, ctx: ExecutionContext): Promise<Response> {
    const started = Date.now();
    const url = new URL(request.url);
    const location = locationOf(request);
    const log: Mutable<RequestLog> = {
      requestId: '',
      environment: env.ENVIRONMENT,
      method: request.method,
      path: url.pathname,
      status: 0,
      durationMs: 0,
      geoRegion: geoRegionOf(location),
      colo: location?.colo,
    };
    let response: Response;
    try {
      log.requestId = requestIdOf(request);
      response = await handle(request, url, env, ctx, log);
    } catch (error) {
      if (!log.requestId) log.requestId = crypto.randomUUID();
      if (error instanceof EdgeRejection) {
        log.error = error.code;
        response = errorResponse(error.status, error.code, error.message, log.requestId, { ...error.headers });
      } else {
        log.error = 'internal_error';
        logEvent('error', 'unhandled', { requestId: log.requestId, message: error instanceof Error ? error.message : String(error) });
        response = errorResponse(500, 'internal_error', 'the edge failed to handle this request', log.requestId);
      }
    }
    log.status = response.status;
    log.durationMs = Date.now() - started;
    logRequest(log);
    return response;
  },
};

async function handle(request: Request, url: URL, env: EdgeEnv, ctx: ExecutionContext, log: Mutable<RequestLog>): Promise<Response> {
  const requestId = log.requestId;
  checkMethod(request);
  const path = canonicalPath(url);
  const order = regionOrder(env.ROUTING, locationOf(request));
  if (path === PATHS.health && (request.method === 'GET' || request.method === 'HEAD')) {
    const unhealthy = await unhealthyRegions(env.EDGE_STATE, env.SETTINGS.healthCacheSeconds);
    return Response.json(
      { status: 'ok', environment: env.ENVIRONMENT, regions: order, unhealthy: [...unhealthy].sort() },
      { headers: { [HEADER.requestId]: requestId, 'cache-control': 'no-store' } },
    );
  }
  const token = bearerTokenOf(request);
  const body = await readBody(request, env.SETTINGS.maxRequestBodyBytes);
  const targets = upstreams(env.ROUTING, candidates(order, await unhealthyRegions(env.EDGE_STATE, env.SETTINGS.healthCacheSeconds)));
  const clientIp = request.headers.get(HEADER.clientIp) ?? 'unknown';
  const timeoutMs = env.SETTINGS.originTimeoutMs;

  let userId: string | undefined;
  log.session = 'none';
  if (token !== undefined) {
    const askOrigin = async (path: string): Promise<OriginResult> => {
      // Unknown tokens cost an origin lookup each: bound them per client address.
      await enforce(env, `ip:${clientIp}`, [{ name: 'sessionLookups', limit: env.LIMITS.apiRequestsPerMinute, windowMs: MINUTE_MS, consume: true }], log);
      const headers = new Headers({ authorization: request.headers.get('authorization')!, [HEADER.requestId]: requestId, 'x-forwarded-host': url.host });
      return forwardWithFailover(targets, { method: 'GET', host: url.hostname, pathAndQuery: path, headers, replayable: true, timeoutMs });
    };
    const lookup = await validateSession(env.SESSIONS, token, env.SETTINGS.sessionCacheTtlSeconds, askOrigin, (p) => ctx.waitUntil(p));
    log.session = lookup.cache;
    if (lookup.state === 'invalid') throw new EdgeRejection(401, 'invalid_session', 'the session is not valid; sign in again');
    if (lookup.state === 'unavailable') {
      log.attempts = lookup.origin.attempts;
      throw new EdgeRejection(503, 'session_unavailable', 'the session could not be validated; try again shortly', { 'retry-after': '5' });
    }
    userId = lookup.session.userId;
  }

  const isLogin = request.method === 'POST' && path === PATHS.login;
  const { byIp, byUser } = limitChecks(request, path, env.LIMITS, isLogin, userId !== undefined);
  await enforce(env, `ip:${clientIp}`, byIp, log);
  if (userId !== undefined) await enforce(env, `user:${userId}`, byUser, log);

  const edgeService = edgeServiceFor(env.ROUTING, url.hostname, path);
  if (edgeService) return answerAtTheEdge(request, url, body, env, edgeService, { requestId, userId }, log);

  const result = await forwardWithFailover(targets, {
    method: request.method,
    host: url.hostname,
    pathAndQuery: url.pathname + url.search,
    headers: originHeaders(request.headers, { requestId, host: url.host, userId }),
    body,
    replayable: isReplayable(request),
    timeoutMs,
  });
  log.attempts = result.attempts;
  log.region = result.region;
  if (!result.response) throw new EdgeRejection(502, 'origin_unreachable', 'no region could be reached; try again shortly', { 'retry-after': '5' });
  if (isLogin && (result.response.status === 401 || result.response.status === 403)) {
    ctx.waitUntil(
      recordEvent(env.RATE_LIMITER, `ip:${clientIp}`, 'failedLogins', MINUTE_MS).catch((error: unknown) =>
        logEvent('warn', 'rate_limit_record_failed', { requestId, message: String(error) }),
      ),
    );
  }
  if (result.response.status === 101) return result.response; // a WebSocket: pass it through untouched
  const response = new Response(result.response.body, result.response);
  response.headers.set(HEADER.requestId, requestId);
  if (result.region) response.headers.set(HEADER.region, result.region);
  return response;
}

/**
 * An edge-first service's route: its own Worker answers through the service binding, with the
 * headers an origin would get (request id, validated user); no region is asked.
 */
async function answerAtTheEdge(
  request: Request,
  url: URL,
  body: ArrayBuffer | undefined,
  env: EdgeEnv,
  route: EdgeServiceRoute,
  extra: { requestId: string; userId?: string },
  log: Mutable<RequestLog>,
): Promise<Response> {
  const binding = env[route.binding as `EDGE_SERVICE_${string}`];
  log.region = `edge:${route.service}`;
  if (!binding) throw new EdgeRejection(502, 'edge_service_unbound', `the edge service ${route.service} is not bound to this Worker`);
  const headers = originHeaders(request.headers, { requestId: extra.requestId, host: url.host, userId: extra.userId });
  const answer = await binding.fetch(new Request(url.toString(), { method: request.method, headers, body, redirect: 'manual' }));
  const response = new Response(answer.body, answer);
  response.headers.set(HEADER.requestId, extra.requestId);
  return response;
}

/** The path every rule matches on (paths.ts); 400 for encodings servers read differently. */
function canonicalPath(url: URL): string {
  try {
    return normalizePath(url.pathname);
  } catch (error) {
    if (error instanceof AmbiguousPath) throw new EdgeRejection(400, 'invalid_path', `${error.message}; send the path encoded once`);
    throw error;
  }
}

/** The limits a request counts against, per client address and per user (seed 002, section 6), on the normalized path. */
function limitChecks(
  request: Request,
  path: string,
  limits: LimitsConfig,
  isLogin: boolean,
  authenticated: boolean,
): { byIp: RuleCheck[]; byUser: RuleCheck[] } {
  const byIp: RuleCheck[] = [];
  const byUser: RuleCheck[] = [];
  const rule = (name: string, limit: number, consume = true): RuleCheck => ({ name, limit, windowMs: MINUTE_MS, consume });
  if (request.headers.get('upgrade')?.toLowerCase() === 'websocket') byIp.push(rule('websocketConnects', limits.websocketConnectsPerMinute));
  if (isLogin) byIp.push(rule('failedLogins', limits.failedLoginsPerMinute, false));
  const perSubject = authenticated ? byUser : byIp;
  if (request.method === 'POST' && path.startsWith(PATHS.messagesPrefix)) perSubject.push(rule('messages', limits.messagesPerMinute));
  if (isUnder(path, PATHS.apiPrefix.replace(/\/$/, ''))) perSubject.push(rule('api', limits.apiRequestsPerMinute));
  return { byIp, byUser };
}

/** Refuses the request with 429 and Retry-After when a limit is reached. If the limiter itself fails, the request goes through. */
async function enforce(env: EdgeEnv, subject: string, checks: readonly RuleCheck[], log: Mutable<RequestLog>): Promise<void> {
  if (checks.length === 0) return;
  let verdict;
  try {
    verdict = await checkLimits(env.RATE_LIMITER, subject, checks);
  } catch (error) {
    logEvent('warn', 'rate_limiter_unavailable', { requestId: log.requestId, message: error instanceof Error ? error.message : String(error) });
    return;
  }
  if (!verdict.allowed) {
    log.rateLimited = verdict.rule;
    throw new EdgeRejection(429, 'rate_limited', `too many ${verdict.rule} requests; retry after ${verdict.retryAfterSeconds} s`, {
      'retry-after': String(verdict.retryAfterSeconds),
    });
  }
}
