/**
 * The bundled edge Worker in a real workerd runtime (Miniflare), with real KV namespaces and
 * the real rate-limiting Durable Object, in front of three stand-in origins on 127.0.0.1. The
 * routing tables are the massive example's, as the edge stack binds them; the Worker picks
 * regions itself except in the last block, where the example's load balancer is stood in for.
 */
import { CLIENTS, massiveExample, nextClientIp, RunningEdgeWorker, StandInOrigin, startEdgeWorker, tokenFor } from '../../stacks/edge-worker-runtime';
import { edgeWorkerConfig } from '../../stacks/edge-worker-config';
import { BINDING, HEADER } from '../../workers/edge/contract';
import { sessionKey } from '../../workers/edge/sessions';
import { createHash } from 'node:crypto';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-northeast-1'] as const;
const LIMITS = { messagesPerMinute: 2, apiRequestsPerMinute: 4, websocketConnectsPerMinute: 1, failedLoginsPerMinute: 2 };
const MAX_BODY_BYTES = 1024;

let edge: RunningEdgeWorker;
const origins = Object.fromEntries(REGIONS.map((r) => [r, new StandInOrigin(r)])) as Record<(typeof REGIONS)[number], StandInOrigin>;

beforeAll(async () => {
  await Promise.all(Object.values(origins).map((o) => o.start()));
  edge = await startEdgeWorker({
    origins: Object.values(origins),
    limits: LIMITS,
    settings: { maxRequestBodyBytes: MAX_BODY_BYTES, originTimeoutMs: 2000, healthCacheSeconds: 0 }, // flags take effect at once
  });
});

afterAll(async () => {
  await edge?.dispose();
  await Promise.all(Object.values(origins).map((o) => o.stop()));
});

beforeEach(async () => {
  Object.values(origins).forEach((o) => o.reset());
  await edge.setHealth({});
});

/** A GET from a fresh client address. */
const get = (path: string, cf: Record<string, unknown>, headers: Record<string, string> = {}, host?: string) =>
  edge.fetch(path, { cf, headers: { 'cf-connecting-ip': nextClientIp(), ...headers }, host });

describe('routing to the nearest healthy region', () => {
  it.each([
    ['germany', 'eu-west-1'],
    ['virginia', 'us-east-1'],
    ['japan', 'ap-northeast-1'],
    ['brazil', 'us-east-1'],
    ['australia', 'ap-northeast-1'],
  ] as const)('sends a client in %s to %s', async (client, region) => {
    const response = await get('/api/feed', CLIENTS[client]);
    expect(response.status).toBe(200);
    expect(response.headers.get(HEADER.region)).toBe(region);
    expect(await response.json()).toEqual({ region, url: '/api/feed' });
    expect(origins[region].forwarded).toHaveLength(1);
  });

  it.each(['', 'www.', 'api.'])('keeps the public host %s<domain> as the Host the origin sees, and reaches the region by its origin name', async (prefix) => {
    const host = `${prefix}${massiveExample().domain}`;
    const response = await get('/api/feed', CLIENTS.germany, {}, host);
    expect(response.status).toBe(200);
    const [seen] = origins['eu-west-1'].forwarded;
    // The stand-in network connected to eu-west-1 because cf.resolveOverride named origin-eu-west-1.<domain>; the Host stayed public.
    expect(seen.headers.host).toBe(host);
    expect(seen.headers['x-forwarded-host']).toBe(host);
  });

  it('follows the steering map: India goes to eu-west-1 first, although Tokyo is nearer', async () => {
    const response = await get('/api/feed', CLIENTS.india);
    expect(response.headers.get(HEADER.region)).toBe('eu-west-1');
    expect(edge.routing.countryPools.IN).toEqual(['eu-west-1', 'ap-northeast-1', 'us-east-1']);
  });

  it('skips a region flagged unhealthy in EDGE_STATE and goes to the next-nearest', async () => {
    await edge.setHealth({ 'eu-west-1': 'unhealthy' });
    const response = await get('/api/feed', CLIENTS.germany);
    expect(response.status).toBe(200);
    expect(response.headers.get(HEADER.region)).toBe('us-east-1');
    expect(origins['eu-west-1'].requests).toHaveLength(0);

    await edge.setHealth({ 'eu-west-1': 'healthy' });
    const back = await get('/api/feed', CLIENTS.germany);
    expect(back.headers.get(HEADER.region)).toBe('eu-west-1');
  });

  it('moves on to the next region when the nearest answers 5xx, and logs both attempts', async () => {
    origins['eu-west-1'].override = () => ({ status: 503, body: { error: 'no healthy targets' } });
    const response = await get('/api/feed', CLIENTS.germany);
    expect(response.status).toBe(200);
    expect(response.headers.get(HEADER.region)).toBe('us-east-1');
    expect(await edge.logLine(response.headers.get(HEADER.requestId))).toMatchObject({
      status: 200,
      region: 'us-east-1',
      attempts: [expect.objectContaining({ region: 'eu-west-1', status: 503 }), expect.objectContaining({ region: 'us-east-1', status: 200 })],
    });
  });

  it('moves on when the connection to the nearest origin fails', async () => {
    origins['ap-northeast-1'].override = () => 'reset';
    const response = await get('/api/feed', CLIENTS.japan);
    expect(response.status).toBe(200);
    expect(response.headers.get(HEADER.region)).toBe('eu-west-1');
  });

  it('does not replay a POST after a 500 (it may have been processed), but does with an Idempotency-Key or after a 503', async () => {
    origins['eu-west-1'].override = () => ({ status: 500, body: { error: 'boom' } });
    const plain = await edge.fetch('/api/orders', { method: 'POST', body: '{}', cf: CLIENTS.germany, headers: { 'cf-connecting-ip': nextClientIp() } });
    expect(plain.status).toBe(500);
    expect(origins['us-east-1'].forwarded).toHaveLength(0);

    const keyed = await edge.fetch('/api/orders', {
      method: 'POST',
      body: '{"item":1}',
      cf: CLIENTS.germany,
      headers: { 'cf-connecting-ip': nextClientIp(), [HEADER.idempotencyKey]: 'order-7f3a' },
    });
    expect(keyed.status).toBe(200);
    expect(keyed.headers.get(HEADER.region)).toBe('us-east-1');
    expect(origins['us-east-1'].forwarded[0]).toMatchObject({ method: 'POST', body: '{"item":1}' });

    origins['eu-west-1'].override = () => ({ status: 503 });
    const declined = await edge.fetch('/api/orders', { method: 'POST', body: '{}', cf: CLIENTS.germany, headers: { 'cf-connecting-ip': nextClientIp() } });
    expect(declined.headers.get(HEADER.region)).toBe('us-east-1');
  });

  it('answers 502 with Retry-After when no region can be reached', async () => {
    for (const origin of Object.values(origins)) origin.override = () => 'reset';
    const response = await get('/api/feed', CLIENTS.germany);
    expect(response.status).toBe(502);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toMatchObject({ error: 'origin_unreachable' });
  });
});

describe('session validation with a KV read-through cache', () => {
  it('asks the origin on a miss, caches the session, then answers from KV without the origin', async () => {
    const token = tokenFor('cache-user');
    const headers = { authorization: `Bearer ${token}` };
    const first = await get('/api/me', CLIENTS.virginia, headers);
    expect(first.status).toBe(200);
    expect(origins['us-east-1'].sessionLookups).toHaveLength(1);
    expect(origins['us-east-1'].forwarded[0].headers[HEADER.user]).toBe('cache-user');

    const sessions = await edge.kv(BINDING.sessions);
    const key = sessionKey(createHash('sha256').update(token).digest('hex'));
    for (let i = 0; i < 50 && (await sessions.get(key)) === null; i++) await new Promise((r) => setTimeout(r, 20));
    expect(JSON.parse((await sessions.get(key)) ?? 'null')).toMatchObject({ userId: 'cache-user' });
    expect((await sessions.list()).keys.map((k) => k.name).join(' ')).not.toContain(token);

    const second = await get('/api/me', CLIENTS.virginia, headers);
    expect(second.status).toBe(200);
    expect(origins['us-east-1'].sessionLookups).toHaveLength(1);
    expect(origins['us-east-1'].forwarded[1].headers[HEADER.user]).toBe('cache-user');

    expect(await edge.logLine(first.headers.get(HEADER.requestId))).toMatchObject({ session: 'miss' });
    expect(await edge.logLine(second.headers.get(HEADER.requestId))).toMatchObject({ session: 'hit' });
  });

  it('refuses an invalid session with 401 and does not cache it', async () => {
    const headers = { authorization: 'Bearer revoked-token-0123456789' };
    for (let i = 0; i < 2; i++) {
      const response = await get('/api/me', CLIENTS.virginia, headers);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: 'invalid_session' });
    }
    expect(origins['us-east-1'].sessionLookups).toHaveLength(2);
    expect(origins['us-east-1'].forwarded).toHaveLength(0);
  });

  it('does not let a client choose its user: a client-sent x-stagecraft-user is removed', async () => {
    await get('/api/me', CLIENTS.virginia, { [HEADER.user]: 'admin' });
    expect(origins['us-east-1'].forwarded[0].headers[HEADER.user]).toBeUndefined();
  });
});

describe('sliding-window rate limits', () => {
  it('answers 429 with Retry-After once a client exceeds the API limit, and counts each client apart', async () => {
    const ip = nextClientIp();
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < LIMITS.apiRequestsPerMinute + 1; i++) {
      const response = await edge.fetch('/api/feed', { cf: CLIENTS.virginia, headers: { 'cf-connecting-ip': ip } });
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const retryAfter = Number(limited!.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(await limited!.json()).toEqual({
      error: 'rate_limited',
      message: `too many api requests; retry after ${retryAfter} s`,
      requestId: limited!.headers.get(HEADER.requestId),
    });
    expect(origins['us-east-1'].forwarded).toHaveLength(LIMITS.apiRequestsPerMinute);

    const other = await get('/api/feed', CLIENTS.virginia);
    expect(other.status).toBe(200);
  });

  it('limits message sends per user, across client addresses', async () => {
    const headers = { authorization: `Bearer ${tokenFor('chatty-user')}` };
    const statuses: number[] = [];
    for (let i = 0; i < LIMITS.messagesPerMinute + 1; i++) {
      const response = await edge.fetch('/api/messages', {
        method: 'POST',
        body: '{"text":"hi"}',
        cf: CLIENTS.virginia,
        headers: { ...headers, 'cf-connecting-ip': nextClientIp() },
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    const read = await get('/api/messages', CLIENTS.virginia, headers);
    expect(read.status).toBe(200);
  });

  it('blocks logins from an address after the allowed failures, before they reach the origin', async () => {
    const ip = nextClientIp();
    const login = () => edge.fetch('/api/auth/login', { method: 'POST', body: '{"password":"x"}', cf: CLIENTS.virginia, headers: { 'cf-connecting-ip': ip } });
    const statuses: number[] = [];
    for (let i = 0; i < LIMITS.failedLoginsPerMinute + 1; i++) {
      statuses.push((await login()).status);
      await new Promise((r) => setTimeout(r, 100)); // failures are counted after the answer (waitUntil)
    }
    expect(statuses).toEqual([401, 401, 429]);
    expect(origins['us-east-1'].forwarded).toHaveLength(LIMITS.failedLoginsPerMinute);
  });

  it('passes WebSocket upgrades through to the origin, and limits connection attempts per address', async () => {
    const ip = nextClientIp();
    const upgrade = () => edge.fetch('/ws', { cf: CLIENTS.virginia, headers: { 'cf-connecting-ip': ip, upgrade: 'websocket' } });
    const first = (await upgrade()) as Response & {
      webSocket?: {
        accept(): void;
        send(data: string): void;
        close(): void;
        addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
      };
    };
    expect(first.status).toBe(101);
    const socket = first.webSocket!;
    socket.accept();
    const reply = new Promise((resolve) => socket.addEventListener('message', (event) => resolve(event.data)));
    socket.send('ping');
    expect(await reply).toBe('pong');
    socket.close();
    expect(origins['us-east-1'].requests).toEqual([expect.objectContaining({ url: '/ws', headers: expect.objectContaining({ upgrade: 'websocket' }) })]);

    const second = await upgrade();
    expect(second.status).toBe(429);
    expect(await second.json()).toMatchObject({ error: 'rate_limited', message: expect.stringContaining('websocketConnects') });
    expect(origins['us-east-1'].requests).toHaveLength(1);
  });
});

describe('limits hold for every spelling of a limited path (the Worker matches the normalized path)', () => {
  it.each(['/api/auth/login', '/api/auth/login/', '/api//auth/login', '/API/auth/login', '//api/auth/login', '/api%2Fauth%2Flogin', '/%61pi/x/../auth/login'])(
    'failed logins through %s are counted and blocked like the canonical path',
    async (path) => {
      const ip = nextClientIp();
      const statuses: number[] = [];
      for (let i = 0; i < LIMITS.failedLoginsPerMinute + 1; i++) {
        const response = await edge.fetch(path, { method: 'POST', body: '{"password":"x"}', cf: CLIENTS.virginia, headers: { 'cf-connecting-ip': ip } });
        statuses.push(response.status);
        await new Promise((r) => setTimeout(r, 100)); // failures are counted after the answer (waitUntil)
      }
      expect(statuses).toEqual([401, 401, 429]);
      expect(origins['us-east-1'].forwarded).toHaveLength(LIMITS.failedLoginsPerMinute);
    },
  );

  it('a lockout earned on one spelling blocks every other spelling', async () => {
    const ip = nextClientIp();
    const login = (path: string) => edge.fetch(path, { method: 'POST', body: '{"password":"x"}', cf: CLIENTS.virginia, headers: { 'cf-connecting-ip': ip } });
    for (let i = 0; i < LIMITS.failedLoginsPerMinute; i++) {
      expect((await login('/api/auth/login')).status).toBe(401);
      await new Promise((r) => setTimeout(r, 100));
    }
    const after = await Promise.all(['/api/auth/login/', '/api//auth/login', '/API/auth/login'].map(async (p) => (await login(p)).status));
    expect(after).toEqual([429, 429, 429]);
  });

  it.each([
    ['/api/messages', 'canonical'],
    ['//api/messages', 'leading-slashes'],
    ['/api%2Fmessages', 'encoded-slash'],
    ['/API/Messages/', 'upper-case'],
    ['/api/./messages', 'dot-segment'],
  ])('message sends through %s count against the same per-user limit', async (path, user) => {
    const headers = { authorization: `Bearer ${tokenFor(`sender-${user}`)}` };
    const statuses: number[] = [];
    for (let i = 0; i < LIMITS.messagesPerMinute + 1; i++) {
      const response = await edge.fetch(path, {
        method: 'POST',
        body: '{"text":"hi"}',
        cf: CLIENTS.virginia,
        headers: { ...headers, 'cf-connecting-ip': nextClientIp() },
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('mixing spellings shares one message budget', async () => {
    const headers = { authorization: `Bearer ${tokenFor('mixed-spellings')}` };
    const statuses: number[] = [];
    for (const path of ['/api/messages', '//api/messages', '/api%2Fmessages']) {
      const response = await edge.fetch(path, {
        method: 'POST',
        body: '{"text":"hi"}',
        cf: CLIENTS.virginia,
        headers: { ...headers, 'cf-connecting-ip': nextClientIp() },
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
  });

  it.each([
    ['/api%252Fmessages', 'the path is percent-encoded twice (%25); send the path encoded once'],
    ['/api/x%2F..%2Fauth/login', 'the path hides a dot segment behind an encoded slash (%2F); send the path encoded once'],
    ['/api%5Cmessages', 'the path contains an encoded backslash (%5C); send the path encoded once'],
  ])('refuses the ambiguous encoding %s with 400 before any origin', async (path, message) => {
    const response = await edge.fetch(path, { method: 'POST', body: '{}', cf: CLIENTS.virginia, headers: { 'cf-connecting-ip': nextClientIp() } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_path', message });
    for (const origin of Object.values(origins)) expect(origin.requests).toHaveLength(0);
  });

  it('still forwards the path as the client sent it, so case-sensitive identifiers keep working', async () => {
    const response = await get('/api/Files/AbC', CLIENTS.virginia);
    expect(await response.json()).toEqual({ region: 'us-east-1', url: '/api/Files/AbC' });
  });
});

describe('bad requests get a clear 4xx, never a 500, and never reach an origin', () => {
  it.each([
    ['a malformed request id', { headers: { [HEADER.requestId]: 'bad id!' } }, 400, 'invalid_request_id'],
    ['a request id that is too short', { headers: { [HEADER.requestId]: 'abc' } }, 400, 'invalid_request_id'],
    ['a Basic Authorization header', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }, 400, 'invalid_authorization'],
    ['a bearer token that is too short', { headers: { authorization: 'Bearer abc' } }, 400, 'invalid_authorization'],
    ['a bearer token with spaces', { headers: { authorization: 'Bearer abc def ghi jkl mno pqr' } }, 400, 'invalid_authorization'],
    ['an oversized body', { method: 'POST', body: 'x'.repeat(MAX_BODY_BYTES + 1) }, 413, 'body_too_large'],
    ['an unknown method', { method: 'PROPFIND' }, 405, 'method_not_allowed'],
  ] as const)('%s', async (_name, init, status, code) => {
    const response = await edge.fetch('/api/messages', {
      ...init,
      headers: { 'cf-connecting-ip': nextClientIp(), ...('headers' in init ? init.headers : {}) },
      cf: CLIENTS.germany,
    });
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: string; message: string; requestId: string };
    expect(body.error).toBe(code);
    expect(body.message.length).toBeGreaterThan(10);
    expect(body.requestId).toBe(response.headers.get(HEADER.requestId));
    for (const origin of Object.values(origins)) expect(origin.requests).toHaveLength(0);
  });

  it('explains the limits in the messages', async () => {
    const oversized = await edge.fetch('/api/upload', {
      method: 'POST',
      body: 'x'.repeat(MAX_BODY_BYTES * 2),
      cf: CLIENTS.germany,
      headers: { 'cf-connecting-ip': nextClientIp() },
    });
    expect(((await oversized.json()) as { message: string }).message).toBe(
      `request bodies are limited to ${MAX_BODY_BYTES} bytes; upload larger files to storage directly`,
    );
    const badAuth = await get('/api/me', CLIENTS.germany, { authorization: 'Token abc' });
    expect(((await badAuth.json()) as { message: string }).message).toBe('Authorization must be "Bearer <token>" with a token of 16-4096 base64url characters');
    const unknown = await edge.fetch('/api/me', { method: 'PROPFIND', cf: CLIENTS.germany });
    expect(unknown.headers.get('allow')).toBe('GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
  });
});

describe('/healthz', () => {
  it('answers from the edge with the region order for the client and the flagged regions, without calling an origin', async () => {
    await edge.setHealth({ 'ap-northeast-1': 'unhealthy' });
    const response = await get('/healthz', CLIENTS.germany);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      environment: 'acme-massive',
      regions: ['eu-west-1', 'us-east-1', 'ap-northeast-1'],
      unhealthy: ['ap-northeast-1'],
    });
    for (const origin of Object.values(origins)) expect(origin.requests).toHaveLength(0);
  });
});

describe('structured logs and the request id', () => {
  it('forwards a well-formed client request id to the origin, returns it, and logs one JSON line with it', async () => {
    const requestId = 'client-req-0001';
    const response = await get('/api/feed', CLIENTS.germany, { [HEADER.requestId]: requestId });
    expect(response.headers.get(HEADER.requestId)).toBe(requestId);
    expect(origins['eu-west-1'].forwarded[0].headers[HEADER.requestId]).toBe(requestId);
    const line = await edge.logLine(requestId);
    expect(line).toMatchObject({
      level: 'info',
      event: 'request',
      requestId,
      environment: 'acme-massive',
      method: 'GET',
      path: '/api/feed',
      status: 200,
      region: 'eu-west-1',
      geoRegion: 'WEU',
      colo: 'FRA',
      session: 'none',
    });
    expect(typeof line?.durationMs).toBe('number');
  });

  it('generates a request id when the client sends none, and uses the same one at the origin', async () => {
    const response = await get('/api/feed', CLIENTS.virginia);
    const requestId = response.headers.get(HEADER.requestId);
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(origins['us-east-1'].forwarded[0].headers[HEADER.requestId]).toBe(requestId);
  });

  it('logs refused requests as warnings with their error code', async () => {
    const response = await get('/api/feed', CLIENTS.virginia, { authorization: 'Basic x' });
    expect(await edge.logLine(response.headers.get(HEADER.requestId))).toMatchObject({ level: 'warn', status: 400, error: 'invalid_authorization' });
  });
});

/**
 * The massive example has a Cloudflare load balancer on its apex. The Worker must not route
 * around it: it sends every request to the load-balanced hostname, whose steering and failover
 * choose the region. A second workerd instance runs with that hostname stood in for.
 */
describe('with the load balancer, the Worker forwards through it', () => {
  let balanced: RunningEdgeWorker;
  const balancer = new StandInOrigin('load-balancer');

  beforeAll(async () => {
    await balancer.start();
    balanced = await startEdgeWorker({ origins: Object.values(origins), loadBalancer: balancer, limits: LIMITS });
  });

  afterAll(async () => {
    await balanced?.dispose();
    await balancer.stop();
  });

  beforeEach(() => balancer.reset());

  it('binds the hostname the load balancer answers for', () => {
    const environment = massiveExample();
    expect(edgeWorkerConfig(environment).routing.loadBalancer).toBe(`https://${environment.domain}`);
  });

  it.each(['germany', 'japan', 'virginia'] as const)('a client in %s: the upstream is the load balancer, never a regional origin', async (client) => {
    const response = await balanced.fetch('/api/feed?page=2', { cf: CLIENTS[client], headers: { 'cf-connecting-ip': nextClientIp() } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ region: 'load-balancer', url: '/api/feed?page=2' });
    expect(balancer.forwarded).toHaveLength(1);
    expect(balancer.forwarded[0].headers['x-forwarded-host']).toBe(massiveExample().domain);
    expect(balancer.forwarded[0].headers.host).toBe(massiveExample().domain);
    for (const origin of Object.values(origins)) expect(origin.requests).toHaveLength(0);
    const line = await balanced.logLine(response.headers.get(HEADER.requestId));
    expect(line.attempts).toEqual([expect.objectContaining({ region: 'load-balancer', status: 200 })]);
    expect(response.headers.get(HEADER.region)).toBeNull(); // the Worker did not choose the region
  });

  it('sends a request for api.<domain> through the load-balanced hostname with its own Host', async () => {
    const host = `api.${massiveExample().domain}`;
    const response = await balanced.fetch('/api/feed', { cf: CLIENTS.japan, headers: { 'cf-connecting-ip': nextClientIp() }, host });
    expect(response.status).toBe(200);
    expect(balancer.forwarded.map((r) => r.headers.host)).toEqual([host]);
  });

  it('session lookups go through the load balancer too, and the limits still hold', async () => {
    const ip = nextClientIp();
    const send = () =>
      balanced.fetch('/api/feed', { cf: CLIENTS.germany, headers: { 'cf-connecting-ip': ip, authorization: `Bearer ${tokenFor('lb-user')}` } });
    const statuses = [];
    for (let i = 0; i < LIMITS.apiRequestsPerMinute + 1; i++) statuses.push((await send()).status);
    expect(statuses).toEqual([...Array<number>(LIMITS.apiRequestsPerMinute).fill(200), 429]);
    expect(balancer.sessionLookups.length).toBeGreaterThanOrEqual(1);
    for (const origin of Object.values(origins)) expect(origin.requests).toHaveLength(0);
  });

  it('answers 502 when the load balancer cannot be reached, without trying the regional origins itself', async () => {
    balancer.override = () => 'reset';
    const response = await balanced.fetch('/api/feed', { cf: CLIENTS.germany, headers: { 'cf-connecting-ip': nextClientIp() } });
    expect(response.status).toBe(502);
    for (const origin of Object.values(origins)) expect(origin.requests).toHaveLength(0);
  });
});
