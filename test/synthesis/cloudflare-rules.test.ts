/**
 * The Rules-language reader against the examples of Cloudflare's own documentation (Ruleset
 * Engine: "Operators and grouping symbols", "Functions", the field reference of
 * http.request.headers and http.request.headers.names; Rules: "URL normalization: Examples"),
 * so the evaluator the edge tests rely on reads expressions as Cloudflare documents them.
 */
import { evaluate, inventory, RulesRequest, RulesSyntaxError, zoneNormalizedPath } from '../../synthesis/cloudflare-rules';

const get = (rawPath: string, extra: Partial<RulesRequest> = {}): RulesRequest => ({ method: 'GET', rawPath, host: 'example.com', ...extra });

describe('URL normalization of type "cloudflare" (documented examples)', () => {
  it.each([
    ['/hello', '/hello'],
    ['/%68ello', '/hello'],
    ['/%68ello//pa\\th', '/hello/pa/th'],
  ])('%s reaches the rules as %s', (raw, normalized) => {
    expect(zoneNormalizedPath(raw)).toBe(normalized);
  });

  it('removes dot segments and keeps reserved escapes, case and a trailing slash', () => {
    expect(zoneNormalizedPath('/a/b/../c/./d')).toBe('/a/c/d');
    expect(zoneNormalizedPath('/API%2fmessages/')).toBe('/API%2Fmessages/');
  });
});

describe('operators (documented examples)', () => {
  it('wildcard matches the whole value, case-insensitively (Example A)', () => {
    const expression = 'http.request.full_uri wildcard "https://example.com/a/*"';
    for (const [host, path, query] of [
      ['example.com', '/a/', undefined],
      ['example.com', '/a/page.html', undefined],
      ['example.com', '/a/sub/folder/', 'name=value'],
      ['EXAMPLE.com', '/A/page.html', undefined],
    ] as const) {
      expect(evaluate(expression, get(path, { host, query }))).toBe(true);
    }
    for (const [host, path] of [
      ['example.com', '/ab/'],
      ['example.com', '/b/page.html'],
      ['sub.example.com', '/a/'],
    ] as const) {
      expect(evaluate(expression, get(path, { host }))).toBe(false);
    }
  });

  it('strict wildcard is case-sensitive; eq and contains compare exactly', () => {
    expect(evaluate('http.request.uri.path strict wildcard "/AdminTeam/*"', get('/AdminTeam/x'))).toBe(true);
    expect(evaluate('http.request.uri.path strict wildcard "/AdminTeam/*"', get('/adminteam/x'))).toBe(false);
    expect(evaluate('http.request.uri.path eq "/articles/2008/"', get('/articles/2008/'))).toBe(true);
    expect(evaluate('http.request.uri.path == "/articles/2008/"', get('/Articles/2008/'))).toBe(false);
    expect(evaluate('http.request.uri.path contains "/articles/"', get('/x/articles/y'))).toBe(true);
  });

  it('matches searches a regular expression', () => {
    expect(evaluate('http.request.uri.path matches "^/articles/200[7-8]/$"', get('/articles/2008/'))).toBe(true);
    expect(evaluate('http.request.uri.path ~ "^/articles/200[7-8]/$"', get('/articles/2009/'))).toBe(false);
    expect(evaluate('http.request.uri.path matches "autodiscover\\\\.(xml|src)$"', get('/x/autodiscover.xml'))).toBe(true);
  });

  it('in tests membership of a set of strings or numbers', () => {
    expect(evaluate('http.request.method in {"GET" "HEAD"}', get('/'))).toBe(true);
    expect(evaluate('not http.request.method in {"GET" "HEAD"}', get('/'))).toBe(false);
    expect(evaluate('http.response.code in {401 403}', get('/', { responseCode: 403 }))).toBe(true);
  });

  it('not binds tighter than and, and than xor, xor than or ("Order of precedence")', () => {
    const t = 'http.request.method eq "GET"';
    const f = 'http.request.method eq "POST"';
    expect(evaluate(`${t} and ${f} or ${t}`, get('/'))).toBe(true); // (t and f) or t
    expect(evaluate(`${f} and (${f} or ${t})`, get('/'))).toBe(false);
    expect(evaluate(`not ${f} and ${t}`, get('/'))).toBe(true);
    expect(evaluate(`${t} xor ${t} or ${t}`, get('/'))).toBe(true); // (t xor t) or t
  });
});

describe('functions (documented examples)', () => {
  it('lower() converts ASCII upper case: lower(http.host) == "www.cloudflare.com"', () => {
    expect(evaluate('lower(http.host) == "www.cloudflare.com"', get('/', { host: 'WWW.cloudflare.com' }))).toBe(true);
  });

  it('url_decode() decodes %XX and + once', () => {
    expect(evaluate('url_decode(raw.http.request.uri.path) eq "/John Doe"', get('/John%20Doe'))).toBe(true);
    expect(evaluate('url_decode(raw.http.request.uri.path) eq "/John Doe"', get('/John+Doe'))).toBe(true);
    expect(evaluate('url_decode(raw.http.request.uri.path) eq "/%20"', get('/%2520'))).toBe(true);
  });

  it('starts_with() and ends_with()', () => {
    expect(evaluate('starts_with(http.request.uri.path, "/blog")', get('/blog/first-post'))).toBe(true);
    expect(evaluate('ends_with(http.request.uri.path, ".html")', get('/welcome.html'))).toBe(true);
    expect(evaluate('ends_with(http.request.uri.path, ".html")', get('/welcome.htm'))).toBe(false);
  });

  it('http.request.headers has lower-cased keys; http.request.headers.names keeps the case sent', () => {
    const request = get('/', { headers: [['Content-Type', 'application/json']] });
    expect(evaluate('any(http.request.headers["content-type"][*] == "application/json")', request)).toBe(true);
    expect(evaluate('any(http.request.headers.names[*] == "content-type")', request)).toBe(false);
    expect(evaluate('any(lower(http.request.headers.names[*])[*] == "content-type")', request)).toBe(true);
    expect(evaluate('len(http.request.headers["content-type"]) gt 0', request)).toBe(true);
  });

  it('a comparison on a missing header is false, and so is any() of it', () => {
    expect(evaluate('any(http.request.headers["upgrade"][*] == "websocket")', get('/'))).toBe(false);
    expect(evaluate('not any(http.request.headers["upgrade"][*] == "websocket")', get('/'))).toBe(true);
  });
});

describe('inventory and the subset', () => {
  it('lists the fields, functions and operators an expression uses', () => {
    const used = inventory('lower(url_decode(http.request.uri.path)) matches "^/+api" and any(http.request.headers["x"][*] eq "y")');
    expect([...used.fields].sort()).toEqual(['http.request.headers', 'http.request.uri.path']);
    expect([...used.functions].sort()).toEqual(['any', 'lower', 'url_decode']);
    expect([...used.operators].sort()).toEqual(['eq', 'matches']);
  });

  it('refuses what it cannot read instead of guessing', () => {
    expect(() => evaluate('http.request.uri.path eq "/a', get('/'))).toThrow(RulesSyntaxError);
    expect(() => evaluate('regex_replace(http.request.uri.path, "a", "b") eq "b"', get('/a'))).toThrow(
      'the evaluator does not know the function regex_replace()',
    );
    expect(() => evaluate('http.request.uri.path wildcard "/a/**"', get('/a/'))).toThrow('"**" is not allowed in a wildcard');
  });
});
