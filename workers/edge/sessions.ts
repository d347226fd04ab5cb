/**
 * Session validation with a read-through KV cache (seed 000, sections 1.5 and 2.3): a hit
 * answers from KV; a miss asks the origin, which stays the source of truth, and caches a
 * valid answer for the TTL (5 minutes by default), never past the session's own expiry.
 * Invalid sessions are not cached. A logout therefore takes effect at the edge within the
 * TTL, unless the origin deletes `session:<sha-256 of the token>` from KV when it revokes one.
 */
import { CachedSession, PATHS } from './contract';
import { sha256Hex } from './http';
import { KvNamespace } from './runtime';
import { OriginResult } from './routing';

/** KV's shortest expiration. */
const KV_MIN_TTL_SECONDS = 60;

export type SessionLookup =
  | { readonly state: 'valid'; readonly session: CachedSession; readonly cache: 'hit' | 'miss' }
  | { readonly state: 'invalid'; readonly cache: 'miss' }
  | { readonly state: 'unavailable'; readonly cache: 'miss'; readonly origin: OriginResult };

export function sessionKey(tokenHash: string): string {
  return `session:${tokenHash}`;
}

/**
 * Validates `token`. `askOrigin` sends GET `PATHS.session` to the origins (with failover)
 * carrying the client's Authorization header.
 */
export async function validateSession(
  sessions: KvNamespace,
  token: string,
  ttlSeconds: number,
  askOrigin: (path: string) => Promise<OriginResult>,
  waitUntil: (promise: Promise<unknown>) => void,
): Promise<SessionLookup> {
  const key = sessionKey(await sha256Hex(token));
  const cached = await sessions.get(key);
  if (cached !== null) {
    const session = parseSession(cached);
    if (session && (session.expiresAt === undefined || session.expiresAt > Date.now() / 1000)) return { state: 'valid', session, cache: 'hit' };
  }
  const origin = await askOrigin(PATHS.session);
  const status = origin.response?.status;
  if (status === 401 || status === 403) return { state: 'invalid', cache: 'miss' };
  if (status !== 200) return { state: 'unavailable', cache: 'miss', origin };
  const session = parseSession(await origin.response!.text());
  if (!session) return { state: 'unavailable', cache: 'miss', origin };
  const untilExpiry = session.expiresAt === undefined ? ttlSeconds : Math.floor(session.expiresAt - Date.now() / 1000);
  const expirationTtl = Math.min(ttlSeconds, untilExpiry);
  if (expirationTtl >= KV_MIN_TTL_SECONDS) waitUntil(sessions.put(key, JSON.stringify(session), { expirationTtl }));
  return { state: 'valid', session, cache: 'miss' };
}

function parseSession(text: string): CachedSession | undefined {
  try {
    const value = JSON.parse(text) as Partial<CachedSession>;
    if (typeof value.userId !== 'string' || value.userId.length === 0 || value.userId.length > 256) return undefined;
    if (value.expiresAt !== undefined && typeof value.expiresAt !== 'number') return undefined;
    return { userId: value.userId, expiresAt: value.expiresAt };
  } catch {
    return undefined;
  }
}
