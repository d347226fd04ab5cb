import { Construct } from 'constructs';
import { Ruleset, RulesetRules } from '@cdktf/provider-cloudflare/lib/ruleset';
import { checkProps } from '../shared/validation';
import { EdgeZone } from './edge-zone';
import { HAS_AUTHORIZATION, pathMatchers } from './path-match';
import { CLOUDFLARE_PLAN_LIMITS, hasAdvancedRateLimiting } from '../../config/cloudflare-plans';
import { expressionProblems } from '../../synthesis/cloudflare-rule-access';

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
 * plan's expression fields allow (synthesis/cloudflare-rule-access.ts), as many as it allows
 * (Free 1, Pro 2, Business 5), counted over its periods; where the plan has counting
 * expressions (Business) the login rule counts only failed logins too. The edge Worker, where
 * it runs, enforces the same limits globally. On every plan the paths are matched in their
 * normalized forms, as the Worker matches them (path-match.ts: regular expressions on Business
 * and Enterprise, `in` and `starts_with()` behind a WAF block of encoded double slashes on
 * Free and Pro; docs/edge-paths.md).
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

    const { subscription } = props.zone;
    const plan = CLOUDFLARE_PLAN_LIMITS[subscription.plan];
    const paths = pathMatchers(plan.regex);
    const accepts = (expression: string) => expressionProblems(expression, subscription.plan, 'rate limit').length === 0;
    const postLogin = `http.request.method eq "POST" and ${paths.login}`;
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
    // Upgrades carry no credentials to count by: per client IP on every plan.
    const websocketConnectsPerIp = rule(
      'websocket_connects_per_ip',
      `WebSocket connections: ${limits.websocketConnectsPerMinute}/min per IP`,
      WEBSOCKET_UPGRADE,
      limits.websocketConnectsPerMinute,
      ['ip.src'],
    );
    if (hasAdvancedRateLimiting(subscription)) {
      this.rules = [
        rule(
          'messages_per_user',
          `messages: ${limits.messagesPerMinute}/min per user`,
          `http.request.method eq "POST" and ${paths.messages} and ${HAS_AUTHORIZATION}`,
          limits.messagesPerMinute,
          [AUTHORIZATION],
        ),
        rule('api_per_user', `API: ${limits.apiRequestsPerMinute}/min per user`, `${paths.api} and ${HAS_AUTHORIZATION}`, limits.apiRequestsPerMinute, [
          AUTHORIZATION,
        ]),
        rule(
          'api_per_anonymous_ip',
          `anonymous API: ${limits.apiRequestsPerMinute}/min per IP`,
          `${paths.api} and not ${HAS_AUTHORIZATION}`,
          limits.apiRequestsPerMinute,
          ['ip.src'],
        ),
        websocketConnectsPerIp,
        rule(
          'failed_logins_per_ip',
          `failed logins: ${limits.failedLoginsPerMinute}/min per IP`,
          postLogin,
          limits.failedLoginsPerMinute,
          ['ip.src'],
          `${postLogin} and http.response.code in {401 403}`,
        ),
      ];
    } else {
      // Without Advanced Rate Limiting every counter is per client IP; the rules the plan's fields
      // allow, most important first, up to its rule count. The login counts POSTs where the plan
      // reads the method, and only failed ones where it has counting expressions.
      const login = accepts(postLogin) ? postLogin : paths.login;
      const candidates = [
        rule('api_per_ip', `API: ${limits.apiRequestsPerMinute}/min per IP`, paths.api, limits.apiRequestsPerMinute, ['ip.src']),
        plan.countingExpression
          ? rule(
              'logins_per_ip',
              `failed logins: ${limits.failedLoginsPerMinute}/min per IP`,
              login,
              limits.failedLoginsPerMinute,
              ['ip.src'],
              `${login} and http.response.code in {401 403}`,
            )
          : rule('logins_per_ip', `login attempts: ${limits.failedLoginsPerMinute}/min per IP`, login, limits.failedLoginsPerMinute, ['ip.src']),
        rule(
          'messages_per_ip',
          `messages: ${limits.messagesPerMinute}/min per IP`,
          `http.request.method eq "POST" and ${paths.messages}`,
          limits.messagesPerMinute,
          ['ip.src'],
        ),
        websocketConnectsPerIp,
      ];
      this.rules = candidates.filter((r) => accepts(r.expression)).slice(0, plan.rulesPerPhase.http_ratelimit);
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
