/**
 * Cloudflare rule expressions that match the product's paths in the same normalized forms as
 * the edge Worker (workers/edge/paths.ts), so no spelling of a limited path escapes a rule.
 *
 * Layers, in the order Cloudflare applies them:
 * 1. URL normalization of the zone (EdgeZoneSettings: type `cloudflare`, scope `both`) has
 *    already decoded unreserved characters, removed `.`/`..` segments, turned `\` into `/` and
 *    merged `//` before any rule sees `http.request.uri.path` (Cloudflare docs, "URL
 *    normalization": "How it works" and "Examples"); with scope `both` the origin receives that
 *    same path, so what the rules matched is what the origin serves.
 * 2. What normalization leaves: case, a trailing slash and `%2F` (a reserved character it never
 *    decodes). `lower(url_decode(...))` handles case and `%2F` on every plan ("Functions" of the
 *    Rules language: no plan note on `lower()` or `url_decode()`; `regex_replace()` and
 *    `wildcard_replace()` exist only in rewrite expressions, so they cannot be used here).
 * 3. With `matches` (Business and Enterprise: "Operators"), regular expressions accept repeated
 *    slashes (`%2F%2F` decodes to `//`) and a trailing slash. Without it (Free, Pro), the rules
 *    compare with `in` and `starts_with()`, accepting one trailing slash; the one spelling that
 *    comparison cannot follow, an encoded slash next to another slash (`/api%2F/auth/login`), is
 *    blocked before rate limiting by the WAF custom rule below, so it never reaches the origin.
 * 4. Encodings the Worker refuses as ambiguous (double encoding, encoded control characters or
 *    backslashes, a malformed `%`, a dot segment behind `%2F`) are blocked by the WAF custom
 *    rule `block_ambiguous_path_encoding`, which runs in an earlier phase than rate limiting
 *    (WAF custom rules exist on every plan), with a regular expression where the plan has one
 *    and `contains` tests otherwise.
 */
import { PATHS } from '../../workers/edge/contract';

/** The request path as the rules compare it: normalized by the zone, then lower-cased with `%2F` decoded. */
export const NORMALIZED_PATH = 'lower(url_decode(http.request.uri.path))';

/** A regular expression for a path whose segments may be separated by one or more slashes. */
function segmentsPattern(path: string): string {
  return (
    '^/+' +
    path
      .split('/')
      .filter((s) => s !== '')
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('/+')
  );
}

/** A Rules-language string literal. */
export const literal = (value: string): string => JSON.stringify(value);

/** How the rules of one plan match the product's paths. */
export interface PathMatchers {
  /** True when these are regular-expression matches (`matches`: Business and Enterprise). */
  readonly regex: boolean;
  /** API traffic: `/api` and everything under it. */
  readonly api: string;
  /** Message sends (with POST): paths starting with `/api/messages`. */
  readonly messages: string;
  /** The password login. */
  readonly login: string;
  /** Paths the Worker refuses as ambiguous, and, without `matches`, an encoded slash next to a slash. */
  readonly ambiguous: string;
}

/** Matches exactly `path` (a canonical path such as `/api/auth/login`), in any normalized spelling. */
export function pathIs(path: string): string {
  return `${NORMALIZED_PATH} matches ${literal(`${segmentsPattern(path)}/*$`)}`;
}

/** Matches `prefix` and everything under it (`/api` → `/api`, `/api/…`). */
export function pathUnder(prefix: string): string {
  return `${NORMALIZED_PATH} matches ${literal(`${segmentsPattern(prefix)}(/|$)`)}`;
}

/** Matches paths starting with `prefix` as a string (`/api/messages` → `/api/messages…`), like the Worker's message rule. */
export function pathStartsWith(prefix: string): string {
  return `${NORMALIZED_PATH} matches ${literal(segmentsPattern(prefix))}`;
}

/** Without `matches`: exactly `path`, or it with one trailing slash. */
export function plainPathIs(path: string): string {
  return `${NORMALIZED_PATH} in {${literal(path)} ${literal(`${path}/`)}}`;
}

/** Without `matches`: `prefix` and everything under it. */
export function plainPathUnder(prefix: string): string {
  return `(${NORMALIZED_PATH} eq ${literal(prefix)} or starts_with(${NORMALIZED_PATH}, ${literal(`${prefix}/`)}))`;
}

/** Without `matches`: paths starting with `prefix`. */
export function plainPathStartsWith(prefix: string): string {
  return `starts_with(${NORMALIZED_PATH}, ${literal(prefix)})`;
}

/** API traffic: `/api` and everything under it. */
export const API_PATH = pathUnder(PATHS.apiPrefix);
/** Message sends (with POST). */
export const MESSAGES_PATH = pathStartsWith(PATHS.messagesPrefix);
/** The password login. */
export const LOGIN_PATH = pathIs(PATHS.login);

/**
 * Paths the Worker refuses as ambiguous (AmbiguousPath): after the zone's normalization, a
 * double encoding (`%25`), an encoded control character or backslash, a `%` not followed by
 * two hexadecimal digits, or a `.`/`..` segment that appears only once `%2F` is decoded.
 */
export const AMBIGUOUS_PATH =
  `lower(http.request.uri.path) matches ${literal('%(25|5c|[01][0-9a-f]|7f)|%([^0-9a-f]|[0-9a-f][^0-9a-f]|[0-9a-f]?$)')}` +
  ` or ${NORMALIZED_PATH} matches ${literal('(^|/)\\.\\.?(/|$)')}`;

/**
 * The same refusals without `matches`, and one more. On the path as normalized by the zone:
 * `%0x`, `%1x` and `%7f` are control characters; once decoded, a `%` left over is a double
 * encoding or a malformed escape, a `\` was `%5C`, and `//` or a dot segment was made by a `%2F`
 * (the zone has already merged real `//` and removed real dot segments). Blocking `//` is the
 * addition: it is the spelling `in` and `starts_with()` cannot count as the limited path.
 */
export const AMBIGUOUS_PATH_PLAIN = [
  'lower(http.request.uri.path) contains "%0"',
  'lower(http.request.uri.path) contains "%1"',
  'lower(http.request.uri.path) contains "%7f"',
  `${NORMALIZED_PATH} contains "%"`,
  `${NORMALIZED_PATH} contains ${literal('\\')}`,
  `${NORMALIZED_PATH} contains "//"`,
  `${NORMALIZED_PATH} contains "/./"`,
  `${NORMALIZED_PATH} contains "/../"`,
  `ends_with(${NORMALIZED_PATH}, "/.")`,
  `ends_with(${NORMALIZED_PATH}, "/..")`,
].join(' or ');

/** The strongest path matchers a plan accepts: regular expressions where it has `matches`, `in` and `starts_with()` otherwise. */
export function pathMatchers(regex: boolean): PathMatchers {
  const api = PATHS.apiPrefix.replace(/\/$/, '');
  return regex
    ? { regex, api: API_PATH, messages: MESSAGES_PATH, login: LOGIN_PATH, ambiguous: AMBIGUOUS_PATH }
    : {
        regex,
        api: plainPathUnder(api),
        messages: plainPathStartsWith(PATHS.messagesPrefix),
        login: plainPathIs(PATHS.login),
        ambiguous: AMBIGUOUS_PATH_PLAIN,
      };
}

/** The request carries an Authorization header, whatever the case of its name (review finding R11). */
export const HAS_AUTHORIZATION = 'any(lower(http.request.headers.names[*])[*] eq "authorization")';
