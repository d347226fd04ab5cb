/**
 * The Cloudflare rule expressions for the product's paths: the exact synthesized text, and what
 * they match. Cloudflare's engine is not available here, so the regular expressions are run by
 * JavaScript on the path as the zone's URL normalization (type `cloudflare`) hands it to the rules,
 * after the expression's own lower() and url_decode().
 */
import { RateLimits } from '../../../constructs/cloudflare/rate-limits';
import { WafRules } from '../../../constructs/cloudflare/waf-rules';
import {
  AMBIGUOUS_PATH,
  API_PATH,
  HAS_AUTHORIZATION,
  LOGIN_PATH,
  MESSAGES_PATH,
  NORMALIZED_PATH,
  pathMatchers,
} from '../../../constructs/cloudflare/path-match';
import { CloudflareSubscription } from '../../../config/cloudflare-plans';
import { evaluate, RulesRequest } from '../../../synthesis/cloudflare-rules';
import { expressionProblems } from '../../../synthesis/cloudflare-rule-access';
import { AmbiguousPath, normalizePath } from '../../../workers/edge/paths';
import { resourcesOfType, synthCloudflare } from '../../helpers/synth';

/** The pattern of `<NORMALIZED_PATH> matches "<re>"`, as Cloudflare reads the quoted string. */
function patternOf(expression: string, subject = NORMALIZED_PATH): RegExp {
  const match = new RegExp(`^${subject.replace(/[()[\]*.]/g, '\\$&')} matches ("(?:[^"\\\\]|\\\\.)*")$`).exec(expression);
  if (!match) throw new Error(`not a "${subject} matches" expression: ${expression}`);
  return new RegExp(JSON.parse(match[1]) as string);
}

/** What the rules see for a path the zone has normalized: lower(url_decode(path)). */
const ruleView = (zoneNormalized: string) => decodeURIComponent(zoneNormalized).toLowerCase();

/**
 * Client spellings and the path the zone's normalization (type `cloudflare`) passes on, from
 * Cloudflare's "URL normalization: Examples" table: unreserved characters decoded, `//` merged,
 * dot segments removed, `%2F` and case left as they are.
 */
const VARIANTS: ReadonlyArray<readonly [client: string, zoneNormalized: string]> = [
  ['/api/auth/login', '/api/auth/login'],
  ['/api/auth/login/', '/api/auth/login/'],
  ['/api//auth/login', '/api/auth/login'],
  ['/API/auth/login', '/API/auth/login'],
  ['/api/messages', '/api/messages'],
  ['//api/messages', '/api/messages'],
  ['/api%2Fmessages', '/api%2Fmessages'],
  ['/api%2F%2Fmessages', '/api%2F%2Fmessages'],
  ['/%61pi/x/../messages', '/api/messages'],
];

describe('path expressions', () => {
  it('are the exact Rules-language text the rulesets carry', () => {
    expect({ API_PATH, MESSAGES_PATH, LOGIN_PATH, AMBIGUOUS_PATH, HAS_AUTHORIZATION }).toEqual({
      API_PATH: 'lower(url_decode(http.request.uri.path)) matches "^/+api(/|$)"',
      MESSAGES_PATH: 'lower(url_decode(http.request.uri.path)) matches "^/+api/+messages"',
      LOGIN_PATH: 'lower(url_decode(http.request.uri.path)) matches "^/+api/+auth/+login/*$"',
      AMBIGUOUS_PATH:
        'lower(http.request.uri.path) matches "%(25|5c|[01][0-9a-f]|7f)|%([^0-9a-f]|[0-9a-f][^0-9a-f]|[0-9a-f]?$)"' +
        ' or lower(url_decode(http.request.uri.path)) matches "(^|/)\\\\.\\\\.?(/|$)"',
      HAS_AUTHORIZATION: 'any(lower(http.request.headers.names[*])[*] eq "authorization")',
    });
  });

  it.each(VARIANTS)('%s: the rules match it exactly when the Worker reads it as the limited path', (client, zoneNormalized) => {
    const canonical = normalizePath(client);
    const seen = ruleView(zoneNormalized);
    expect(patternOf(LOGIN_PATH).test(seen)).toBe(canonical === '/api/auth/login');
    expect(patternOf(MESSAGES_PATH).test(seen)).toBe(canonical.startsWith('/api/messages'));
    expect(patternOf(API_PATH).test(seen)).toBe(canonical === '/api' || canonical.startsWith('/api/'));
  });

  it.each([
    ['/api%252Fmessages', '/api%252Fmessages'],
    ['/api/auth/login%00', '/api/auth/login%00'],
    ['/api%5cmessages', '/api%5Cmessages'],
    ['/api/%zz', '/api/%zz'],
    ['/api/x%2F..%2Fauth/login', '/api/x%2F..%2Fauth/login'],
  ])('%s: blocked by the WAF, as the Worker refuses it', (client, zoneNormalized) => {
    expect(() => normalizePath(client)).toThrow(AmbiguousPath);
    const [encodings, dots] = AMBIGUOUS_PATH.split(' or ');
    const lowered = zoneNormalized.toLowerCase();
    let decoded: string;
    try {
      decoded = ruleView(zoneNormalized);
    } catch {
      decoded = lowered; // url_decode leaves a malformed escape as it is
    }
    expect(patternOf(encodings, 'lower(http.request.uri.path)').test(lowered) || patternOf(dots).test(decoded)).toBe(true);
  });

  it('does not block ordinary paths', () => {
    const [encodings, dots] = AMBIGUOUS_PATH.split(' or ');
    for (const path of ['/api/messages', '/api/files/a%20b', '/static/app.9f1c.js', '/api/auth/login']) {
      expect(patternOf(encodings, 'lower(http.request.uri.path)').test(path.toLowerCase()) || patternOf(dots).test(ruleView(path))).toBe(false);
    }
  });
});

describe('the rulesets use them', () => {
  it('rate limits match login, messages and API on the normalized path, and Authorization in any case', () => {
    const stack = synthCloudflare((scope, zone) => new RateLimits(scope, 'limits', { zone }));
    const [ruleset] = resourcesOfType(stack, 'cloudflare_ruleset');
    const rules = ruleset.rules as Array<{ ref: string; expression: string; ratelimit: { counting_expression?: string } }>;
    expect(Object.fromEntries(rules.map((r) => [r.ref, r.expression]))).toEqual({
      messages_per_user: `http.request.method eq "POST" and ${MESSAGES_PATH} and ${HAS_AUTHORIZATION}`,
      api_per_user: `${API_PATH} and ${HAS_AUTHORIZATION}`,
      api_per_anonymous_ip: `${API_PATH} and not ${HAS_AUTHORIZATION}`,
      websocket_connects_per_ip: 'any(lower(http.request.headers["upgrade"][*])[*] eq "websocket")',
      failed_logins_per_ip: `http.request.method eq "POST" and ${LOGIN_PATH}`,
    });
    expect(rules.find((r) => r.ref === 'failed_logins_per_ip')!.ratelimit.counting_expression).toBe(
      `http.request.method eq "POST" and ${LOGIN_PATH} and http.response.code in {401 403}`,
    );
  });

  it('the WAF blocks secret probes on the normalized path and ambiguous encodings', () => {
    const stack = synthCloudflare((scope, zone) => new WafRules(scope, 'waf', { zone, blockedPathFragments: ['/.env', '/.Git'] }));
    const [ruleset] = resourcesOfType(stack, 'cloudflare_ruleset');
    const rules = ruleset.rules as Array<{ ref: string; expression: string }>;
    expect(Object.fromEntries(rules.map((r) => [r.ref, r.expression]))).toEqual({
      block_unknown_methods: 'not http.request.method in {"GET" "HEAD" "POST" "PUT" "PATCH" "DELETE" "OPTIONS"}',
      block_secret_probes: `${NORMALIZED_PATH} contains "/.env" or ${NORMALIZED_PATH} contains "/.git"`,
      block_ambiguous_path_encoding: AMBIGUOUS_PATH,
    });
  });
});

/**
 * Every plan, every spelling: the synthesized rulesets of a zone on that plan, run by the
 * Rules-language evaluator (synthesis/cloudflare-rules.ts) on requests as the zone's URL
 * normalization hands them over. For each rate-limiting rule, every spelling of a path the rule
 * counts in its canonical form is counted too, or blocked by a WAF custom rule (an earlier
 * phase) before it reaches the rate limits and the origin.
 */
describe('no spelling of a limited path escapes its limit, on every plan', () => {
  const SUBSCRIPTIONS: ReadonlyArray<readonly [string, CloudflareSubscription]> = [
    ['free', { plan: 'free', addons: [] }],
    ['pro', { plan: 'pro', addons: [] }],
    ['business', { plan: 'business', addons: [] }],
    ['enterprise', { plan: 'enterprise', addons: [] }],
    ['enterprise with Advanced Rate Limiting', { plan: 'enterprise', addons: ['advancedRateLimiting'] }],
  ];
  /** Canonical paths and the spellings clients use for them: case, duplicate and trailing slashes, percent-encoding. */
  const SPELLINGS: Readonly<Record<string, readonly string[]>> = {
    '/api/auth/login': [
      '/API/auth/login',
      '/api/Auth/LOGIN',
      '/api//auth/login',
      '//api/auth/login',
      '/api/auth/login/',
      '/api/auth/login//',
      '/api/%61uth/login',
      '/api%2Fauth/login',
      '/api%2fauth%2Flogin',
      '/api%2F/auth/login',
      '/api/%2Fauth/login',
      '/api/x/../auth/login',
      '/api/./auth/login',
      '/api\\auth\\login',
      '/API%2FAUTH%2FLOGIN/',
    ],
    '/api/messages': [
      '/API/messages',
      '//api/messages',
      '/api//messages',
      '/api/messages/',
      '/api%2Fmessages',
      '/api%2F%2Fmessages',
      '/%61pi/messages',
      '/api/MESSAGES',
    ],
    '/api/feed': ['/API/feed', '/api//feed', '/api/feed/', '/api%2Ffeed', '/%2Fapi/feed'],
  };
  const METHODS = ['POST', 'GET'] as const;
  const HEADERS: ReadonlyArray<ReadonlyArray<readonly [string, string]>> = [[], [['Authorization', 'Bearer t']], [['authorization', 'Bearer t']]];

  it.each(SUBSCRIPTIONS)('%s: each rule counts every spelling of what it counts, or the WAF blocks the spelling', (_name, subscription) => {
    const stack = synthCloudflare(
      (scope, zone) => {
        new WafRules(scope, 'waf', { zone });
        new RateLimits(scope, 'limits', { zone });
      },
      undefined,
      subscription,
    );
    const rulesets = resourcesOfType(stack, 'cloudflare_ruleset') as Array<{ phase: string; rules: Array<{ ref: string; expression: string }> }>;
    const waf = rulesets.find((r) => r.phase === 'http_request_firewall_custom')!.rules;
    const limits = rulesets.find((r) => r.phase === 'http_ratelimit')!.rules;
    const blocked = (request: RulesRequest) => waf.some((rule) => evaluate(rule.expression, request));
    let exercised = 0;
    for (const rule of limits) {
      for (const [canonical, spellings] of Object.entries(SPELLINGS)) {
        for (const method of METHODS) {
          for (const headers of HEADERS) {
            const request = (rawPath: string): RulesRequest => ({ method, rawPath, headers, host: 'example.com' });
            expect(blocked(request(canonical))).toBe(false);
            if (!evaluate(rule.expression, request(canonical))) continue;
            exercised += 1;
            for (const spelling of spellings) {
              const counted = evaluate(rule.expression, request(spelling));
              const outcome = counted ? 'counted' : blocked(request(spelling)) ? 'blocked' : 'escapes';
              expect({ rule: rule.ref, method, spelling, outcome }).toEqual({
                rule: rule.ref,
                method,
                spelling,
                outcome: expect.stringMatching(/^(counted|blocked)$/),
              });
            }
          }
        }
      }
    }
    expect(exercised).toBeGreaterThanOrEqual(limits.length);
    // Every rule the plan carries is checked, and every plan limits at least the API.
    expect(limits.map((r) => r.ref)).toContain(subscription.addons.length > 0 ? 'api_per_user' : 'api_per_ip');
  });

  it.each(SUBSCRIPTIONS)('%s: the rulesets pass the preflight expression checks of that plan', (_name, subscription) => {
    const stack = synthCloudflare(
      (scope, zone) => {
        new WafRules(scope, 'waf', { zone });
        new RateLimits(scope, 'limits', { zone });
      },
      undefined,
      subscription,
    );
    const rulesets = resourcesOfType(stack, 'cloudflare_ruleset') as Array<{
      phase: string;
      rules: Array<{ ref: string; expression: string; ratelimit?: { counting_expression?: string } }>;
    }>;
    const problems = rulesets.flatMap((ruleset) =>
      ruleset.rules.flatMap((rule) => [
        ...expressionProblems(rule.expression, subscription.plan, ruleset.phase === 'http_ratelimit' ? 'rate limit' : 'custom'),
        ...(rule.ratelimit?.counting_expression ? expressionProblems(rule.ratelimit.counting_expression, subscription.plan, 'counting') : []),
      ]),
    );
    expect(problems).toEqual([]);
  });

  it('which rules each plan carries: as many as it allows, those its fields can express', () => {
    const refs = (subscription: CloudflareSubscription) => {
      const stack = synthCloudflare((scope, zone) => new RateLimits(scope, 'limits', { zone }), undefined, subscription);
      return (resourcesOfType(stack, 'cloudflare_ruleset')[0].rules as Array<{ ref: string }>).map((r) => r.ref);
    };
    expect(Object.fromEntries(SUBSCRIPTIONS.map(([name, subscription]) => [name, refs(subscription)]))).toEqual({
      free: ['api_per_ip'],
      pro: ['api_per_ip', 'logins_per_ip'],
      business: ['api_per_ip', 'logins_per_ip', 'messages_per_ip'],
      enterprise: ['api_per_ip', 'logins_per_ip', 'messages_per_ip', 'websocket_connects_per_ip'],
      'enterprise with Advanced Rate Limiting': [
        'messages_per_user',
        'api_per_user',
        'api_per_anonymous_ip',
        'websocket_connects_per_ip',
        'failed_logins_per_ip',
      ],
    });
  });

  it('Pro: plain comparisons, and the encoded slash next to a slash is blocked (the one spelling they cannot follow)', () => {
    const { api, login, ambiguous, regex } = pathMatchers(false);
    expect({ api, login, regex }).toEqual({
      api: '(lower(url_decode(http.request.uri.path)) eq "/api" or starts_with(lower(url_decode(http.request.uri.path)), "/api/"))',
      login: 'lower(url_decode(http.request.uri.path)) in {"/api/auth/login" "/api/auth/login/"}',
      regex: false,
    });
    const request = (rawPath: string): RulesRequest => ({ method: 'POST', rawPath });
    expect(evaluate(login, request('/api%2F/auth/login'))).toBe(false);
    expect(evaluate(ambiguous, request('/api%2F/auth/login'))).toBe(true);
    for (const ok of ['/api/messages', '/api/files/a%20b', '/static/app.9f1c.js', '/api/auth/login/', '/API/Auth'])
      expect(evaluate(ambiguous, request(ok))).toBe(false);
    for (const refused of ['/api%252Fmessages', '/api/auth/login%00', '/api%5cmessages', '/api/%zz', '/api/x%2F..%2Fauth/login', '/api/x%2F.']) {
      expect(() => normalizePath(refused)).toThrow(AmbiguousPath);
      expect(evaluate(ambiguous, request(refused))).toBe(true);
    }
  });

  it('the per-user rules see Authorization whatever the case of its name (HTTP/1.1 sends "Authorization")', () => {
    const stack = synthCloudflare((scope, zone) => new RateLimits(scope, 'limits', { zone }), undefined, {
      plan: 'enterprise',
      addons: ['advancedRateLimiting'],
    });
    const rules = resourcesOfType(stack, 'cloudflare_ruleset')[0].rules as Array<{ ref: string; expression: string; ratelimit: { characteristics: string[] } }>;
    const perUser = rules.find((r) => r.ref === 'api_per_user')!;
    const anonymous = rules.find((r) => r.ref === 'api_per_anonymous_ip')!;
    // The counter key reads the header map, whose keys Cloudflare lower-cases: the same for every spelling.
    expect(perUser.ratelimit.characteristics).toEqual(['cf.colo.id', 'http.request.headers["authorization"]']);
    for (const name of ['Authorization', 'authorization', 'AUTHORIZATION']) {
      const request: RulesRequest = { method: 'GET', rawPath: '/api/feed', headers: [[name, 'Bearer t']] };
      expect(evaluate(perUser.expression, request)).toBe(true);
      expect(evaluate(anonymous.expression, request)).toBe(false);
      expect(evaluate('any(http.request.headers["authorization"][*] eq "Bearer t")', request)).toBe(true);
    }
    expect(evaluate(anonymous.expression, { method: 'GET', rawPath: '/api/feed' })).toBe(true);
  });
});
