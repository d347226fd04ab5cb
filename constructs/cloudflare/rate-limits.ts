import { Construct } from 'constructs';
import { Ruleset, RulesetRules } from '@cdktf/provider-cloudflare/lib/ruleset';
import { PATHS } from '../../workers/edge/contract';
import { checkProps } from '../shared/validation';
import { EdgeZone } from './edge-zone';
import { API_PATH, HAS_AUTHORIZATION, LOGIN_PATH, MESSAGES_PATH } from './path-match';
import { CLOUDFLARE_PLAN_LIMITS, hasAdvancedRateLimiting, rateLimitFieldsAllowed, rateLimitFieldsUsed } from '../../config/cloudflare-plans';

/** Props of RateLimits. Limits are requests per minute; defaults are seed 002's (section 6). */
export interface RateLimitsProps {
  readonly zone: EdgeZone;
  /** Message sends (POST under `/api/messages`) per user. @default 100 */
  readonly messagesPerMinute?: number;
  /** API requests per user; anonymous API requests get the same limit per client IP. @default 1000 */
  readonly apiRequestsPerMinute?: number;
  /** WebSocket upgrades per client IP. @default 5 */
  readonly websocketConnectsPerMinute?: number;
  /** Failed logins (401 or 403 from `/api/auth/login`) per client IP. @default 5 */
  readonly failedLoginsPerMinute?: number;
  /** How long a client stays blocked once over a limit, seconds. @default 60 */
  readonly mitigationTimeoutSeconds?: number;
}

/** Cloudflare counts over these periods only; one minute is the seed's window. */
const PERIOD_SECONDS = 60;
const MITIGATION_TIMEOUTS_SECONDS = [10, 60, 120, 300, 600, 3600, 86400];

const AUTHORIZATION = 'http.request.headers["authorization"]';
const WEBSOCKET_UPGRADE = 'any(lower(http.request.headers["upgrade"][*])[*] eq "websocket")';

/**
 * Cloudflare rate-limiting rules with seed 002's limits, fitted to the zone's plan. Counters are
 * per Cloudflare data center (`cf.colo.id` is required). With Enterprise and Advanced Rate
 * Limiting they count per user (the Authorization header) and count only failed logins (by
 * response code); on other plans every counter is per client IP, the rules are those the
 * plan's expression fields allow, as many as it allows (Free 1, Pro 2, Business 5), counted
 * over its periods. The edge Worker, where it runs, enforces the same limits globally.
 * With Advanced Rate Limiting, paths are matched in their normalized forms (path-match.ts, a
 * regex match that lower plans do not offer), as the Worker matches them; on lower plans the
 * rules match the plain path, which the zone's URL normalization has already cleaned of
 * duplicate slashes and encodings (not of case or a trailing slash: docs/edge-paths.md).
 */
export class RateLimits extends Construct {
  readonly ruleset: Ruleset;
  /** The rules, in evaluation order, for inspection. */
  readonly rules: readonly RulesetRules[];

  constructor(scope: Construct, id: string, props: RateLimitsProps) {
    super(scope, id);
    const limits = {
      messagesPerMinute: props.messagesPerMinute ?? 100,
      apiRequestsPerMinute: props.apiRequestsPerMinute ?? 1000,
      websocketConnectsPerMinute: props.websocketConnectsPerMinute ?? 5,
      failedLoginsPerMinute: props.failedLoginsPerMinute ?? 5,
    };
    const mitigationTimeoutSeconds = props.mitigationTimeoutSeconds ?? 60;
    checkProps(this, [
      ...Object.entries(limits).map(([name, value]) => ({
        failed: !Number.isInteger(value) || value < 1,
        message: `${name}: must be a whole number of at least 1 (0 would block every request); received ${value}`,
      })),
      {
        failed: !MITIGATION_TIMEOUTS_SECONDS.includes(mitigationTimeoutSeconds),
        message: `mitigationTimeoutSeconds: Cloudflare accepts ${MITIGATION_TIMEOUTS_SECONDS.join(', ')}; received ${mitigationTimeoutSeconds}`,
      },
    ]);

    const api = `starts_with(http.request.uri.path, ${JSON.stringify(PATHS.apiPrefix)})`;
    const loginPath = `http.request.uri.path eq ${JSON.stringify(PATHS.login)}`;
    const normalizedLogin = `http.request.method eq "POST" and ${LOGIN_PATH}`;
    const { subscription } = props.zone;
    const plan = CLOUDFLARE_PLAN_LIMITS[subscription.plan];
    // One minute is the seed's window; a plan without it counts over its longest shorter period.
    const period = plan.rateLimitPeriodsSeconds.includes(PERIOD_SECONDS)
      ? PERIOD_SECONDS
      : Math.max(...plan.rateLimitPeriodsSeconds.filter((p) => p <= PERIOD_SECONDS));
    const perPeriod = (perMinute: number) => Math.ceil((perMinute * period) / PERIOD_SECONDS);
    const allowedTimeouts = plan.rateLimitMitigationTimeoutsSeconds;
    const mitigationTimeout = allowedTimeouts.includes(mitigationTimeoutSeconds)
      ? mitigationTimeoutSeconds
      : Math.max(...allowedTimeouts.filter((t) => t <= mitigationTimeoutSeconds), Math.min(...allowedTimeouts));
    const rule = (
      ref: string,
      description: string,
      expression: string,
      requestsPerMinute: number,
      characteristics: string[],
      countingExpression?: string,
    ): RulesetRules => ({
      ref,
      description,
      expression,
      action: 'block',
      enabled: true,
      ratelimit: {
        characteristics: ['cf.colo.id', ...characteristics],
        period,
        requestsPerPeriod: perPeriod(requestsPerMinute),
        mitigationTimeout,
        ...(countingExpression ? { countingExpression } : {}),
      },
    });
    if (hasAdvancedRateLimiting(subscription)) {
      this.rules = [
        rule(
          'messages_per_user',
          `messages: ${limits.messagesPerMinute}/min per user`,
          `http.request.method eq "POST" and ${MESSAGES_PATH} and ${HAS_AUTHORIZATION}`,
          limits.messagesPerMinute,
          [AUTHORIZATION],
        ),
        rule('api_per_user', `API: ${limits.apiRequestsPerMinute}/min per user`, `${API_PATH} and ${HAS_AUTHORIZATION}`, limits.apiRequestsPerMinute, [
          AUTHORIZATION,
        ]),
        rule(
          'api_per_anonymous_ip',
          `anonymous API: ${limits.apiRequestsPerMinute}/min per IP`,
          `${API_PATH} and not ${HAS_AUTHORIZATION}`,
          limits.apiRequestsPerMinute,
          ['ip.src'],
        ),
        rule(
          'websocket_connects_per_ip',
          `WebSocket connections: ${limits.websocketConnectsPerMinute}/min per IP`,
          WEBSOCKET_UPGRADE,
          limits.websocketConnectsPerMinute,
          ['ip.src'],
        ),
        rule(
          'failed_logins_per_ip',
          `failed logins: ${limits.failedLoginsPerMinute}/min per IP`,
          normalizedLogin,
          limits.failedLoginsPerMinute,
          ['ip.src'],
          `${normalizedLogin} and http.response.code in {401 403}`,
        ),
      ];
    } else {
      // Without Advanced Rate Limiting every counter is per client IP and counts every matching
      // request; the rules the plan's fields allow, most important first, up to its rule count.
      const candidates = [
        rule('api_per_ip', `API: ${limits.apiRequestsPerMinute}/min per IP`, api, limits.apiRequestsPerMinute, ['ip.src']),
        rule('logins_per_ip', `login attempts: ${limits.failedLoginsPerMinute}/min per IP`, loginPath, limits.failedLoginsPerMinute, ['ip.src']),
        rule(
          'messages_per_ip',
          `messages: ${limits.messagesPerMinute}/min per IP`,
          `http.request.method eq "POST" and starts_with(http.request.uri.path, ${JSON.stringify(PATHS.messagesPrefix)})`,
          limits.messagesPerMinute,
          ['ip.src'],
        ),
        rule(
          'websocket_connects_per_ip',
          `WebSocket connections: ${limits.websocketConnectsPerMinute}/min per IP`,
          WEBSOCKET_UPGRADE,
          limits.websocketConnectsPerMinute,
          ['ip.src'],
        ),
      ];
      this.rules = candidates
        .filter((r) => rateLimitFieldsAllowed(rateLimitFieldsUsed(r.expression), plan.rateLimitFields))
        .slice(0, plan.rulesPerPhase.http_ratelimit);
    }
    this.ruleset = new Ruleset(this, 'ratelimit', {
      zoneId: props.zone.zoneId,
      name: 'stagecraft rate limits',
      description: 'Seed 002 limits: messages, API, WebSocket connections, failed logins',
      kind: 'zone',
      phase: 'http_ratelimit',
      rules: [...this.rules],
    });
  }
}
