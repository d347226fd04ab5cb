/**
 * What each Cloudflare zone plan and add-on allows, for the features the edge stack uses. The
 * API refuses what a plan does not allow only at apply; `terraform plan` cannot see it. The
 * edge stack reads this table to synthesize rules the zone accepts, and the preflight rules
 * (policies/rules/preflight/) read it to check a synthesis. Pure data, from Cloudflare's docs
 * (load-balancing/monitors, load-balancing/understand-basics/traffic-steering, waf/rate-limiting-
 * rules "availability", ruleset-engine "rules per phase", "operators" and "functions"), as of December 2026.
 * synthesis/cloudflare-rule-access.ts applies the expression part of it to a rule's expression,
 * for the constructs (which rules a plan can express) and the preflight rules alike.
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
 * edge stack never asks for what the zone may not have, and a feature with no plan-fitted form
 * (a load balancer, Durable Objects) is refused when the file is read
 * (config/cloudflare-plan-problems.ts) before `check` or an apply could fail on it.
 */
export const DEFAULT_CLOUDFLARE_PLAN: CloudflarePlan = 'free';

/**
 * Fields a rate-limiting rule's expression may read on each plan (waf/rate-limiting-rules,
 * "Availability": Free: Path; Pro: Host, URI, Path, Full URI, Query; Business: also Method,
 * Source IP, User Agent; Enterprise: general request fields and request header fields). `all`:
 * any request field.
 */
const PATH_FIELDS = ['http.request.uri.path', 'cf.bot_management.verified_bot'] as const;
const URL_FIELDS = [...PATH_FIELDS, 'http.host', 'http.request.uri', 'http.request.full_uri', 'http.request.uri.query'] as const;
const REQUEST_FIELDS = [...URL_FIELDS, 'http.request.method', 'ip.src', 'http.user_agent'] as const;

/** Response fields a counting expression may read besides the rule's fields (same "Availability" table). */
export const COUNTING_EXPRESSION_FIELDS: readonly string[] = ['http.response.code', 'http.response.headers', 'http.response.headers.names'];

/**
 * Functions that WAF custom rules and rate-limiting rules accept on every plan (ruleset-engine,
 * rules-language "Functions": no plan note on these; the others named there, `regex_replace`,
 * `wildcard_replace`, `to_string`, `remove_query_args`, `uuidv4`, `split`, exist only in rewrite
 * or response-header expressions, and `join` only in custom rules).
 */
export const FILTER_FUNCTIONS: readonly string[] = [
  'any',
  'all',
  'lower',
  'upper',
  'url_decode',
  'starts_with',
  'ends_with',
  'len',
  'concat',
  'substring',
  'cidr',
  'cidr6',
  'decode_base64',
  'lookup_json_string',
  'lookup_json_integer',
];

export interface CloudflarePlanLimits {
  /** Shortest load balancer monitor interval, seconds. */
  readonly monitorMinIntervalSeconds: number;
  /** Rules one zone ruleset may hold, per phase. */
  readonly rulesPerPhase: Readonly<Record<string, number>>;
  /** Counting periods a rate-limiting rule may use, seconds. */
  readonly rateLimitPeriodsSeconds: readonly number[];
  /** Mitigation timeouts a rate-limiting rule may use, seconds. */
  readonly rateLimitMitigationTimeoutsSeconds: readonly number[];
  /** Fields a rate-limiting rule's expression may read, or `all`. */
  readonly rateLimitFields: readonly string[] | 'all';
  /** A rate-limiting rule may have its own counting expression, with response fields (Business and Enterprise). */
  readonly countingExpression: boolean;
  /**
   * The `matches` operator (regular expressions) in any rule expression: Business and
   * Enterprise only (ruleset-engine, rules-language "Operators": "Access to the matches operator
   * requires a Cloudflare Business or Enterprise plan").
   */
  readonly regex: boolean;
}

export const CLOUDFLARE_PLAN_LIMITS: Readonly<Record<CloudflarePlan, CloudflarePlanLimits>> = {
  free: {
    monitorMinIntervalSeconds: 60,
    rulesPerPhase: { http_ratelimit: 1, http_request_firewall_custom: 5, http_request_cache_settings: 10 },
    rateLimitPeriodsSeconds: [10],
    rateLimitMitigationTimeoutsSeconds: [10],
    rateLimitFields: PATH_FIELDS,
    countingExpression: false,
    regex: false,
  },
  pro: {
    monitorMinIntervalSeconds: 60,
    rulesPerPhase: { http_ratelimit: 2, http_request_firewall_custom: 20, http_request_cache_settings: 25 },
    rateLimitPeriodsSeconds: [10, 60],
    rateLimitMitigationTimeoutsSeconds: [10, 60, 3600],
    rateLimitFields: URL_FIELDS,
    countingExpression: false,
    regex: false,
  },
  business: {
    monitorMinIntervalSeconds: 15,
    rulesPerPhase: { http_ratelimit: 5, http_request_firewall_custom: 100, http_request_cache_settings: 50 },
    rateLimitPeriodsSeconds: [10, 60, 120, 300, 600],
    rateLimitMitigationTimeoutsSeconds: [10, 60, 120, 300, 600, 3600, 86400],
    rateLimitFields: REQUEST_FIELDS,
    countingExpression: true,
    regex: true,
  },
  enterprise: {
    monitorMinIntervalSeconds: 10,
    rulesPerPhase: { http_ratelimit: 100, http_request_firewall_custom: 1000, http_request_cache_settings: 300 },
    rateLimitPeriodsSeconds: [10, 60, 120, 300, 600, 3600],
    rateLimitMitigationTimeoutsSeconds: [10, 60, 120, 300, 600, 3600, 86400],
    rateLimitFields: 'all',
    countingExpression: true,
    regex: true,
  },
};

/** Steering policies every load balancing subscription has; the others need Traffic Steering. */
export const BASIC_STEERING_POLICIES: readonly string[] = ['off', 'random', ''];

/** Rate-limit counting characteristics every plan has (the data center one is always required). */
export const BASIC_RATE_LIMIT_CHARACTERISTICS: readonly string[] = ['cf.colo.id', 'ip.src'];

/** True when counting by header, or with any characteristic beyond IP, is allowed: Enterprise with Advanced Rate Limiting. */
export function hasAdvancedRateLimiting(subscription: CloudflareSubscription): boolean {
  return subscription.plan === 'enterprise' && subscription.addons.includes('advancedRateLimiting');
}

/** The `//` metadata key of the zone lookup that carries the subscription in the synthesized JSON. */
export const SUBSCRIPTION_METADATA_KEY = 'stagecraft:cloudflare';
