/**
 * The Cloudflare rule expressions for the product's paths: the exact synthesized text, and what
 * they match. Cloudflare's engine is not available here, so the regular expressions are run by
 * JavaScript on the path as the zone's URL normalization (type `cloudflare`) hands it to the rules,
 * after the expression's own lower() and url_decode().
 */
import { RateLimits } from '../../../constructs/cloudflare/rate-limits';
import { WafRules } from '../../../constructs/cloudflare/waf-rules';
import { AMBIGUOUS_PATH, API_PATH, HAS_AUTHORIZATION, LOGIN_PATH, MESSAGES_PATH, NORMALIZED_PATH } from '../../../constructs/cloudflare/path-match';
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
