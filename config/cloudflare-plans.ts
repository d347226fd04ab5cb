/**
 * What each Cloudflare zone plan and add-on allows, for the features the edge stack uses. The
 * API refuses what a plan does not allow only at apply; `terraform plan` cannot see it. The
 * edge stack reads this table to synthesize rules the zone accepts, and the preflight rules
 * (policies/rules/preflight/) read it to check a synthesis. Pure data, from Cloudflare's docs
 * (load-balancing/monitors, load-balancing/understand-basics/traffic-steering, waf/rate-limiting-
 * rules "availability", ruleset-engine "rules per phase"), as of December 2026.
 */

export const CLOUDFLARE_PLANS = ['free', 'pro', 'business', 'enterprise'] as const;
export type CloudflarePlan = (typeof CLOUDFLARE_PLANS)[number];

export const CLOUDFLARE_ADDONS = ['loadBalancing', 'trafficSteering', 'advancedRateLimiting', 'workersPaid'] as const;
export type CloudflareAddon = (typeof CLOUDFLARE_ADDONS)[number];

/** A zone's plan and the account's add-ons: what the edge stack is synthesized for. */
export interface CloudflareSubscription {
  readonly plan: CloudflarePlan;
  readonly addons: readonly CloudflareAddon[];
}

/**
 * The plan assumed when an environment states none: the one that promises nothing, so the
 * edge stack never asks for what the zone may not have, and `stagecraft check` reports every
 * feature that needs more (a load balancer, Durable Objects) before an apply fails.
 */
export const DEFAULT_CLOUDFLARE_PLAN: CloudflarePlan = 'free';

/** Which request fields a rate-limiting rule's expression may use, widest last. */
export type RateLimitFields = 'path' | 'url' | 'request' | 'headers';

export interface CloudflarePlanLimits {
  /** Shortest load balancer monitor interval, seconds. */
  readonly monitorMinIntervalSeconds: number;
  /** Rules one zone ruleset may hold, per phase. */
  readonly rulesPerPhase: Readonly<Record<string, number>>;
  /** Counting periods a rate-limiting rule may use, seconds. */
  readonly rateLimitPeriodsSeconds: readonly number[];
  /** Mitigation timeouts a rate-limiting rule may use, seconds. */
  readonly rateLimitMitigationTimeoutsSeconds: readonly number[];
  /**
   * Fields a rate-limiting rule's expression may read: `path` (URI path only), `url` (host,
   * URI, path, query), `request` (also method, client IP, user agent), `headers` (request headers too).
   */
  readonly rateLimitFields: RateLimitFields;
}

export const CLOUDFLARE_PLAN_LIMITS: Readonly<Record<CloudflarePlan, CloudflarePlanLimits>> = {
  free: {
    monitorMinIntervalSeconds: 60,
    rulesPerPhase: { http_ratelimit: 1, http_request_firewall_custom: 5, http_request_cache_settings: 10 },
    rateLimitPeriodsSeconds: [10],
    rateLimitMitigationTimeoutsSeconds: [10],
    rateLimitFields: 'path',
  },
  pro: {
    monitorMinIntervalSeconds: 60,
    rulesPerPhase: { http_ratelimit: 2, http_request_firewall_custom: 20, http_request_cache_settings: 25 },
    rateLimitPeriodsSeconds: [10, 60],
    rateLimitMitigationTimeoutsSeconds: [10, 60, 3600],
    rateLimitFields: 'url',
  },
  business: {
    monitorMinIntervalSeconds: 15,
    rulesPerPhase: { http_ratelimit: 5, http_request_firewall_custom: 100, http_request_cache_settings: 50 },
    rateLimitPeriodsSeconds: [10, 60, 120, 300, 600],
    rateLimitMitigationTimeoutsSeconds: [10, 60, 120, 300, 600, 3600, 86400],
    rateLimitFields: 'request',
  },
  enterprise: {
    monitorMinIntervalSeconds: 10,
    rulesPerPhase: { http_ratelimit: 100, http_request_firewall_custom: 1000, http_request_cache_settings: 300 },
    rateLimitPeriodsSeconds: [10, 60, 120, 300, 600, 3600],
    rateLimitMitigationTimeoutsSeconds: [10, 60, 120, 300, 600, 3600, 86400],
    rateLimitFields: 'headers',
  },
};

/** Steering policies every load balancing subscription has; the others need Traffic Steering. */
export const BASIC_STEERING_POLICIES: readonly string[] = ['off', 'random', ''];

/** Rate-limit counting characteristics every plan has (the data center one is always required). */
export const BASIC_RATE_LIMIT_CHARACTERISTICS: readonly string[] = ['cf.colo.id', 'ip.src'];

/** True when counting by header, by response, or with any other characteristic is allowed: Enterprise with Advanced Rate Limiting. */
export function hasAdvancedRateLimiting(subscription: CloudflareSubscription): boolean {
  return subscription.plan === 'enterprise' && subscription.addons.includes('advancedRateLimiting');
}

/** True when the rate-limit expression fields `fields` are allowed by what a plan allows. */
export function rateLimitFieldsAllowed(fields: RateLimitFields, allowed: RateLimitFields): boolean {
  const order: readonly RateLimitFields[] = ['path', 'url', 'request', 'headers'];
  return order.indexOf(fields) <= order.indexOf(allowed);
}

/** The widest field class a rate-limit expression reads (`path` when it reads only the path). */
export function rateLimitFieldsUsed(expression: string): RateLimitFields {
  if (/http\.request\.headers|http\.request\.cookies|http\.request\.body/.test(expression)) return 'headers';
  if (/http\.request\.method|ip\.src|http\.user_agent/.test(expression)) return 'request';
  if (/http\.host|http\.request\.full_uri|http\.request\.uri\.query|http\.request\.uri(?!\.path)/.test(expression)) return 'url';
  return 'path';
}

/** The `//` metadata key of the zone lookup that carries the subscription in the synthesized JSON. */
export const SUBSCRIPTION_METADATA_KEY = 'stagecraft:cloudflare';
