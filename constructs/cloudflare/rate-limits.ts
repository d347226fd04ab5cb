import { Construct } from 'constructs';
import { Ruleset, RulesetRules } from '@cdktf/provider-cloudflare/lib/ruleset';
import { checkProps } from '../shared/validation';
import { EdgeZone } from './edge-zone';
import { API_PATH, HAS_AUTHORIZATION, LOGIN_PATH, MESSAGES_PATH } from './path-match';

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

/**
 * Cloudflare rate-limiting rules with seed 002's limits. Counters are per Cloudflare data
 * center (`cf.colo.id` is required) and per user (the Authorization header) or per client IP.
 * Counting by a header and by response code needs Cloudflare's Advanced Rate Limiting
 * (Enterprise). The edge Worker, where it runs, enforces the same limits globally.
 * Paths are matched in their normalized forms (path-match.ts), as the Worker matches them.
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

    const api = API_PATH;
    const login = `http.request.method eq "POST" and ${LOGIN_PATH}`;
    const rule = (
      ref: string,
      description: string,
      expression: string,
      requestsPerPeriod: number,
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
        period: PERIOD_SECONDS,
        requestsPerPeriod,
        mitigationTimeout: mitigationTimeoutSeconds,
        ...(countingExpression ? { countingExpression } : {}),
      },
    });
    this.rules = [
      rule(
        'messages_per_user',
        `messages: ${limits.messagesPerMinute}/min per user`,
        `http.request.method eq "POST" and ${MESSAGES_PATH} and ${HAS_AUTHORIZATION}`,
        limits.messagesPerMinute,
        [AUTHORIZATION],
      ),
      rule('api_per_user', `API: ${limits.apiRequestsPerMinute}/min per user`, `${api} and ${HAS_AUTHORIZATION}`, limits.apiRequestsPerMinute, [AUTHORIZATION]),
      rule(
        'api_per_anonymous_ip',
        `anonymous API: ${limits.apiRequestsPerMinute}/min per IP`,
        `${api} and not ${HAS_AUTHORIZATION}`,
        limits.apiRequestsPerMinute,
        ['ip.src'],
      ),
      rule(
        'websocket_connects_per_ip',
        `WebSocket connections: ${limits.websocketConnectsPerMinute}/min per IP`,
        'any(lower(http.request.headers["upgrade"][*])[*] eq "websocket")',
        limits.websocketConnectsPerMinute,
        ['ip.src'],
      ),
      rule(
        'failed_logins_per_ip',
        `failed logins: ${limits.failedLoginsPerMinute}/min per IP`,
        login,
        limits.failedLoginsPerMinute,
        ['ip.src'],
        `${login} and http.response.code in {401 403}`,
      ),
    ];
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
