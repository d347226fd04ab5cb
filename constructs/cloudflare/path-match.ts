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
 *    decodes). `lower(url_decode(...))` handles case and `%2F`; the regular expressions accept
 *    repeated slashes (`%2F%2F` decodes to `//`) and trailing slashes ("Functions" and
 *    "Operators" pages of the Rules language: `lower()` and `url_decode()` are on every plan,
 *    `matches` needs Business or Enterprise; `regex_replace()` and `wildcard_replace()` exist only
 *    in rewrite expressions, so they cannot be used here. Rate limiting by header and response
 *    code already needs Enterprise Advanced Rate Limiting).
 * 3. Encodings the Worker refuses as ambiguous (double encoding, encoded control characters or
 *    backslashes, a malformed `%`, a dot segment behind `%2F`) are blocked by the WAF custom
 *    rule `block_ambiguous_path_encoding`, which runs in an earlier phase than rate limiting.
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

/** The request carries an Authorization header, whatever the case of its name (review finding R11). */
export const HAS_AUTHORIZATION = 'any(lower(http.request.headers.names[*])[*] eq "authorization")';
