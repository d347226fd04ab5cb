/**
 * What the platform and the edge Worker agree on: binding names, the shape of the JSON
 * bindings, the product's path conventions and the headers the Worker adds. The stack builds
 * the bindings from the environment; the Worker reads them. The same bundle serves every
 * environment, so nothing environment-specific is compiled into it.
 */

/** Binding names, as the Worker sees them on `env`. */
export const BINDING = {
  /** KV: validated sessions, `session:<sha-256 of the token>` → `CachedSession`. */
  sessions: 'SESSIONS',
  /** KV: edge state written by operators or automation; see `HEALTH_KEY`. */
  edgeState: 'EDGE_STATE',
  /** Durable Object namespace of `RateLimiter`. */
  rateLimiter: 'RATE_LIMITER',
  /** JSON: `RoutingConfig`. */
  routing: 'ROUTING',
  /** JSON: `LimitsConfig`. */
  limits: 'LIMITS',
  /** JSON: `SettingsConfig`. */
  settings: 'SETTINGS',
  /** Plain text: the environment name, for logs. */
  environment: 'ENVIRONMENT',
} as const;

/** The Durable Object class the Worker exports for rate limiting. */
export const RATE_LIMITER_CLASS = 'RateLimiter';

/**
 * EDGE_STATE key holding region health flags: a JSON object region → "unhealthy" | "healthy".
 * A region flagged "unhealthy" gets no traffic from the Worker until the flag is removed.
 */
export const HEALTH_KEY = 'health';

/** Where each request may go, and in which order. */
export interface RoutingConfig {
  /** Region codes, primary first. */
  readonly regions: readonly string[];
  /** Region → origin base URL, `https://origin-<region>.<domain>`. */
  readonly origins: Readonly<Record<string, string>>;
  /** Cloudflare geo region → regions in failover order (nearest first). */
  readonly regionPools: Readonly<Record<string, readonly string[]>>;
  /** Country (ISO 3166-1 alpha-2) → regions in failover order, for countries the steering map names. */
  readonly countryPools: Readonly<Record<string, readonly string[]>>;
  /**
   * Base URL of the hostname Cloudflare's load balancer answers for (`https://<domain>`), where
   * the environment has one. The Worker then forwards every request there, once: a subrequest to
   * a hostname of the Worker's own zone goes to that hostname's origin without running a Worker
   * again, and for a load-balanced hostname that origin is the load balancer, so its steering,
   * monitors and failover choose the region. Without it the Worker picks the region itself.
   */
  readonly loadBalancer?: string;
  /**
   * Routes answered at the edge by an edge-first service's own Worker, through its service
   * binding: no region is asked. Longest path prefix first. @default none
   */
  readonly edgeServices?: readonly EdgeServiceRoute[];
}

/** One public route of an edge-first service (docs/edge-services.md). */
export interface EdgeServiceRoute {
  /** The service's name, for logs. */
  readonly service: string;
  /** The service binding the Worker calls it through (`EDGE_SERVICE_<NAME>`). */
  readonly binding: string;
  /** Hostnames it answers on. */
  readonly hosts: readonly string[];
  /** Path prefix: the path itself and everything below it; `/` takes every path. */
  readonly pathPrefix: string;
}

/** The binding name of an edge-first service: `EDGE_SERVICE_` and its name in capitals, dashes as underscores. */
export function edgeServiceBinding(service: string): string {
  return `EDGE_SERVICE_${service.toUpperCase().replace(/-/g, '_')}`;
}

/** Sliding-window limits, each over one minute (seed 002, section 6). */
export interface LimitsConfig {
  /** Message sends per user (or per IP when anonymous). */
  readonly messagesPerMinute: number;
  /** API requests per user (or per IP when anonymous). */
  readonly apiRequestsPerMinute: number;
  /** WebSocket upgrades per client IP. */
  readonly websocketConnectsPerMinute: number;
  /** Failed logins (401/403 from the login path) per client IP. */
  readonly failedLoginsPerMinute: number;
}

/** Tunables of the Worker. */
export interface SettingsConfig {
  /** How long a validated session stays in KV, seconds (≥ 60, KV's minimum). */
  readonly sessionCacheTtlSeconds: number;
  /** Largest request body the Worker accepts (it buffers bodies so it can replay them on failover). */
  readonly maxRequestBodyBytes: number;
  /** Time allowed for one origin attempt before the next region is tried, ms. */
  readonly originTimeoutMs: number;
  /**
   * How long an isolate reuses the health flags it read, seconds (0 reads them on every
   * request). On top of KV's own edge cache (30 s), this bounds how fast a flag takes effect.
   */
  readonly healthCacheSeconds: number;
}

/** The product's path conventions, shared by the Worker and the Cloudflare rate-limiting rules. */
export const PATHS = {
  /** Everything under it is API traffic. */
  apiPrefix: '/api/',
  /** POSTs under it send messages. */
  messagesPrefix: '/api/messages',
  /** POST: password login; 401/403 answers count as failed logins. */
  login: '/api/auth/login',
  /** GET with the client's Authorization header: 200 `{ "userId": "…", "expiresAt": <epoch s> }` or 401. */
  session: '/api/auth/session',
  /** The Worker's own liveness endpoint; also what the load balancer's monitors probe on each origin. */
  health: '/healthz',
} as const;

/** Headers the Worker reads or sets. Names are lowercase, as `Headers` stores them. */
export const HEADER = {
  /** Correlates edge and origin logs. Accepted from the client when well-formed, else generated. */
  requestId: 'x-request-id',
  /** The user the edge validated the session for. Clients cannot set it: the Worker removes it. */
  user: 'x-stagecraft-user',
  /** The region that answered. */
  region: 'x-stagecraft-region',
  /** Set by Cloudflare: the client's address. */
  clientIp: 'cf-connecting-ip',
  /** Makes a POST or PATCH safe to replay on another region. */
  idempotencyKey: 'idempotency-key',
} as const;

/** A session as cached in KV. */
export interface CachedSession {
  readonly userId: string;
  /** Epoch seconds; the cache entry never outlives it. */
  readonly expiresAt?: number;
}
