/**
 * One normalization of the request path, applied before the Worker matches any path (limits,
 * login counting, /healthz), so that no spelling of a limited path escapes its limit:
 * `/API/auth/login`, `/api//auth/login`, `/api/auth/login/`, `//api/messages` and
 * `/api%2Fmessages` all count as the canonical path. The Cloudflare rules
 * (constructs/cloudflare/path-match.ts) match the same normalized forms.
 *
 * The normalized path is for matching only: the origin still receives the path the client
 * sent, so case-sensitive identifiers in paths keep working.
 */

/** Why a path was refused: encodings that different servers decode differently. */
export class AmbiguousPath extends Error {}

const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;
const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * The canonical form of a request path: lower case, no duplicate or trailing slash, unreserved
 * characters and `/` percent-decoded once, `.` and `..` segments resolved (never above the root).
 *
 * Throws AmbiguousPath for encodings that are read differently by different servers:
 * malformed `%` escapes, double encoding (`%25`), encoded control characters and backslashes,
 * and dot segments hidden behind an encoded slash (`/api/x%2F..%2Fauth/login`).
 */
export function normalizePath(raw: string): string {
  const path = raw.replace(/\\/g, '/');
  for (let i = path.indexOf('%'); i !== -1; i = path.indexOf('%', i + 1)) {
    const hex = path.slice(i + 1, i + 3);
    if (!HEX_PAIR.test(hex)) throw new AmbiguousPath('a "%" in the path must be followed by two hexadecimal digits');
    const code = parseInt(hex, 16);
    if (code === 0x25) throw new AmbiguousPath('the path is percent-encoded twice (%25)');
    if (code < 0x20 || code === 0x7f) throw new AmbiguousPath('the path contains an encoded control character');
    if (code === 0x5c) throw new AmbiguousPath('the path contains an encoded backslash (%5C)');
  }
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    const decoded = decodeUnreserved(segment);
    if (decoded === '' || decoded === '.') continue;
    if (decoded === '..') {
      segments.pop();
      continue;
    }
    // An encoded slash splits the segment; a dot segment behind one is ambiguous (resolved or not, depending on the server).
    for (const part of decoded.split(/%2F/i)) {
      if (part === '.' || part === '..') throw new AmbiguousPath('the path hides a dot segment behind an encoded slash (%2F)');
      if (part !== '') segments.push(part);
    }
  }
  return ('/' + segments.join('/')).toLowerCase();
}

/** Decodes `%XX` escapes of unreserved characters; other escapes stay as they are. */
function decodeUnreserved(segment: string): string {
  return segment.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : escape;
  });
}

/** True when the normalized `path` is `prefix` or lies under it (`prefix` has no trailing slash). */
export function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix + '/');
}
