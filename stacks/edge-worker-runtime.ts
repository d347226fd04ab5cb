/**
 * For tests and the bench only (nothing deployed imports it; miniflare is a dev dependency):
 * runs the edge stack's bundled Worker in a real workerd runtime through Miniflare, with real KV
 * namespaces and the real Durable Object, in front of origins that are plain HTTP servers on
 * 127.0.0.1. Nothing of the runtime is mocked; only the origins are stand-ins.
 */
import { createHash } from 'node:crypto';
import { createServer, IncomingHttpHeaders, request as httpRequest, Server } from 'node:http';
import { connect, Socket } from 'node:net';
import { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { Miniflare } from 'miniflare';
import { resolve } from 'node:path';
import { Environment } from '../config/environment';
import { environmentFiles, loadEnvironments } from '../config/load';
import { edgeWorkerConfig, originHostname } from './edge-worker-config';
import { EDGE_WORKER_COMPATIBILITY_DATE, EDGE_WORKER_MAIN_MODULE, edgeWorkerBundle } from '../workers/bundle';
import { BINDING, HEALTH_KEY, LimitsConfig, PATHS, RATE_LIMITER_CLASS, RoutingConfig, SettingsConfig } from '../workers/edge/contract';
import { normalizePath } from '../workers/edge/paths';

/** The repository root: its cdktf.json points the loaders at the example product (examples/chat/). */
const PROJECT_ROOT = resolve(__dirname, '..');

/** A bearer token the stand-in origins accept for `user`; any other token gets 401. */
export function tokenFor(user: string): string {
  return `valid-token-${user}-0123456789`;
}
const TOKEN_PATTERN = /^Bearer valid-token-([a-z0-9-]+)-0123456789$/;

let clients = 0;
/** A client address no other test has used, so rate-limit counters do not leak between tests. */
export function nextClientIp(): string {
  clients += 1;
  return `198.51.100.${clients}`;
}

/** One request an origin received. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What an origin answers; `'reset'` destroys the connection without an answer. */
export type OriginAnswer = { status: number; body?: unknown; headers?: Record<string, string> } | 'reset';

/** True for every spelling of the login path; false for a path too ambiguous to read. */
function isLoginPath(url: string): boolean {
  try {
    return normalizePath(url.split('?')[0]) === PATHS.login;
  } catch {
    return false;
  }
}

/**
 * A stand-in for one region's ALB. By default it validates sessions (GET /api/auth/session),
 * refuses every login, accepts WebSocket upgrades (answering every frame with a text frame
 * "pong"), and answers anything else with 200 and what it saw. Like the many frameworks that
 * route case-insensitively, merge slashes and decode `%2F`, it treats every spelling of the
 * login path as the login: the spellings the edge must limit as one.
 */
export class StandInOrigin {
  readonly requests: ReceivedRequest[] = [];
  /** Replaces the default answers while set. */
  override?: (request: ReceivedRequest) => OriginAnswer | undefined;
  private server?: Server;
  private readonly upgraded = new Set<Socket>();
  url = '';

  constructor(readonly region: string) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const received: ReceivedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.requests.push(received);
        const answer = this.override?.(received) ?? this.defaultAnswer(received);
        if (answer === 'reset') {
          req.socket.destroy();
          return;
        }
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      });
    });
    this.server.on('upgrade', (req, socket: Socket) => {
      this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: '' });
      const accept = createHash('sha1')
        .update(`${String(req.headers['sec-websocket-key'])}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
        .digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      this.upgraded.add(socket);
      socket.on('close', () => this.upgraded.delete(socket));
      socket.on('data', () => socket.write(Buffer.from([0x81, 4, ...Buffer.from('pong')])));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Requests other than session lookups. */
  get forwarded(): ReceivedRequest[] {
    return this.requests.filter((r) => !r.url.startsWith(PATHS.session));
  }

  get sessionLookups(): ReceivedRequest[] {
    return this.requests.filter((r) => r.url.startsWith(PATHS.session));
  }

  reset(): void {
    this.requests.length = 0;
    this.override = undefined;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    for (const socket of this.upgraded) socket.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private defaultAnswer(request: ReceivedRequest): OriginAnswer {
    if (request.url.startsWith(PATHS.session)) {
      const user = TOKEN_PATTERN.exec(String(request.headers.authorization ?? ''))?.[1];
      return user
        ? { status: 200, body: { userId: user, expiresAt: Math.floor(Date.now() / 1000) + 3600 } }
        : { status: 401, body: { error: 'invalid session' } };
    }
    if (isLoginPath(request.url)) return { status: 401, body: { error: 'wrong password' } };
    return { status: 200, body: { region: this.region, url: request.url } };
  }
}

/** The header workerd puts an outgoing request's `cf` options in, for the stand-in network. */
const CF_BLOB_HEADER = 'x-stand-in-cf';

/**
 * Stands in for Cloudflare's network between the Worker and the origins: every fetch the Worker
 * makes leaves workerd for it (Miniflare's `outboundService`, with the request's `cf` options in a
 * header), exactly as the Worker sent it: the URL's host as the Host header, and
 * `cf.resolveOverride` naming the hostname whose address to connect to. It connects to the
 * stand-in origin registered under that hostname (or under the Host, without an override) and
 * passes the request on unchanged, WebSocket upgrades included; a hostname with no stand-in gets
 * its connection reset, as an unresolvable name would.
 */
export class StandInNetwork {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private address = '';

  /** `hostnames`: which stand-in origin each hostname resolves to. */
  constructor(private readonly hostnames: Readonly<Record<string, StandInOrigin>>) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const origin = this.originFor(req.headers);
      if (!origin) {
        req.socket.destroy();
        return;
      }
      const upstream = httpRequest(
        origin.url + (req.url ?? '/'),
        { method: req.method, headers: this.forwardedHeaders(req.headers), agent: false },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    this.server.on('upgrade', (req, socket: Socket, head: Buffer) => {
      const origin = this.originFor(req.headers);
      if (!origin) {
        socket.destroy();
        return;
      }
      const { hostname, port } = new URL(origin.url);
      const upstream = connect(Number(port), hostname, () => {
        const headers = Object.entries(this.forwardedHeaders(req.headers)).flatMap(([name, value]) =>
          (Array.isArray(value) ? value : [value]).map((v) => `${name}: ${String(v)}`),
        );
        upstream.write([`${req.method} ${req.url} HTTP/1.1`, ...headers, '', ''].join('\r\n'));
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      this.sockets.add(socket).add(upstream);
      const close = () => {
        socket.destroy();
        upstream.destroy();
      };
      socket.on('close', close).on('error', close);
      upstream.on('close', close).on('error', close);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.address = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Miniflare's `outboundService`: every fetch of the Worker comes here, its `cf` options in a header. */
  get outboundService(): { external: { address: string; http: { cfBlobHeader: string } } } {
    return { external: { address: this.address, http: { cfBlobHeader: CF_BLOB_HEADER } } };
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  /** The `cf` options workerd passed with the request, if any. */
  private static cfOf(headers: IncomingHttpHeaders): { resolveOverride?: string } {
    try {
      return JSON.parse(String(headers[CF_BLOB_HEADER] ?? '{}')) as { resolveOverride?: string };
    } catch {
      return {};
    }
  }

  private originFor(headers: IncomingHttpHeaders): StandInOrigin | undefined {
    const name = StandInNetwork.cfOf(headers).resolveOverride ?? String(headers.host ?? '').replace(/:\d+$/, '');
    return this.hostnames[name.toLowerCase()];
  }

  /** The request's headers as the Worker sent them (Host included), without the network's own. */
  private forwardedHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
    const { [CF_BLOB_HEADER]: _cf, ...rest } = headers;
    return rest;
  }
}

/** The massive example environment, whose routing tables the Worker tests use. */
export function massiveExample(): Environment {
  const [environment] = loadEnvironments(environmentFiles(['massive'], PROJECT_ROOT), PROJECT_ROOT);
  return environment;
}

export interface EdgeWorkerOptions {
  /** Origins by region; routing comes from the environment with these origins in place of the real ones. */
  readonly origins: readonly StandInOrigin[];
  /**
   * Stands in for the load-balanced hostname, where the environment has a load balancer. Without
   * it the Worker runs without a load balancer and picks regions itself.
   */
  readonly loadBalancer?: StandInOrigin;
  readonly environment?: Environment;
  readonly limits?: Partial<LimitsConfig>;
  readonly settings?: Partial<SettingsConfig>;
}

/** The KV methods tests use (Miniflare's own typings need @cloudflare/workers-types). */
export interface KvAccess {
  get(key: string): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
  list(): Promise<{ keys: Array<{ name: string }> }>;
}

/** A running edge Worker and its captured log lines. */
export interface RunningEdgeWorker {
  readonly miniflare: Miniflare;
  readonly routing: RoutingConfig;
  /** Every JSON line the Worker logged, parsed. */
  readonly logs: Array<Record<string, unknown>>;
  /** A client request to `path` on `init.host` (default: the apex). */
  fetch(
    path: string,
    init?: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array; cf?: Record<string, unknown>; host?: string },
  ): Promise<Response>;
  /** A KV namespace of the Worker, for inspection. */
  kv(binding: string): Promise<KvAccess>;
  /** Writes the region health flags to EDGE_STATE. */
  setHealth(flags: Record<string, 'healthy' | 'unhealthy'>): Promise<void>;
  /** The request log line with `requestId`, once the Worker has written it (stdout is asynchronous). */
  logLine(requestId: string | null): Promise<Record<string, unknown>>;
  dispose(): Promise<void>;
}

export async function startEdgeWorker(options: EdgeWorkerOptions): Promise<RunningEdgeWorker> {
  const environment = options.environment ?? massiveExample();
  const config = edgeWorkerConfig(environment);
  const { loadBalancer: _hostname, ...regional } = config.routing;
  // The routing the edge stack binds (each region's origin hostname, the load-balanced hostname),
  // for the regions with a stand-in; the stand-in network resolves those names to the stand-ins.
  const originName = (region: string) => originHostname(region, environment.domain);
  const routing: RoutingConfig = {
    ...regional,
    origins: Object.fromEntries(options.origins.map((o) => [o.region, `https://${originName(o.region)}`])),
    ...(options.loadBalancer ? { loadBalancer: `https://${environment.domain}` } : {}),
  };
  const network = await new StandInNetwork({
    ...Object.fromEntries(options.origins.map((o) => [originName(o.region), o])),
    ...(options.loadBalancer ? { [environment.domain]: options.loadBalancer } : {}),
  }).start();
  const logs: Array<Record<string, unknown>> = [];
  let pending = '';
  const miniflare = new Miniflare({
    host: '127.0.0.1',
    cf: false,
    modules: [{ type: 'ESModule', path: EDGE_WORKER_MAIN_MODULE, contents: edgeWorkerBundle().code }],
    compatibilityDate: EDGE_WORKER_COMPATIBILITY_DATE,
    kvNamespaces: [BINDING.sessions, BINDING.edgeState],
    durableObjects: { [BINDING.rateLimiter]: RATE_LIMITER_CLASS },
    outboundService: network.outboundService,
    bindings: {
      [BINDING.routing]: routing as unknown as Record<string, never>,
      [BINDING.limits]: { ...config.limits, ...options.limits },
      [BINDING.settings]: { ...config.settings, ...options.settings },
      [BINDING.environment]: environment.name,
    },
    handleRuntimeStdio(stdout: Readable) {
      stdout.on('data', (data: Buffer) => {
        pending += data.toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) if (line.startsWith('{')) logs.push(JSON.parse(line) as Record<string, unknown>);
      });
    },
  });
  await miniflare.ready;
  return {
    miniflare,
    routing,
    logs,
    async fetch(path, init = {}) {
      const response = await miniflare.dispatchFetch(`https://${init.host ?? environment.domain}${path}`, {
        method: init.method ?? 'GET',
        headers: { 'cf-connecting-ip': '198.51.100.254', ...init.headers },
        body: init.body,
        cf: init.cf,
      });
      return response as unknown as Response;
    },
    kv: async (binding) => (await miniflare.getKVNamespace(binding)) as unknown as KvAccess,
    async setHealth(flags) {
      const kv = (await miniflare.getKVNamespace(BINDING.edgeState)) as unknown as KvAccess;
      await kv.put(HEALTH_KEY, JSON.stringify(flags));
    },
    async logLine(requestId) {
      const find = () => logs.find((l) => l.event === 'request' && l.requestId === requestId);
      for (let i = 0; i < 100 && !find(); i++) await new Promise((r) => setTimeout(r, 20));
      const line = find();
      if (!line) throw new Error(`no request log line with requestId ${String(requestId)}`);
      return line;
    },
    async dispose() {
      await miniflare.dispose();
      await network.stop();
    },
  };
}

/** `request.cf` for a client in a country (with its continent and a representative point). */
export const CLIENTS = {
  germany: { country: 'DE', continent: 'EU', latitude: '50.11', longitude: '8.68', colo: 'FRA' },
  virginia: { country: 'US', continent: 'NA', latitude: '38.90', longitude: '-77.04', colo: 'IAD' },
  japan: { country: 'JP', continent: 'AS', latitude: '35.68', longitude: '139.69', colo: 'NRT' },
  india: { country: 'IN', continent: 'AS', latitude: '19.07', longitude: '72.88', colo: 'BOM' },
  brazil: { country: 'BR', continent: 'SA', latitude: '-23.55', longitude: '-46.63', colo: 'GRU' },
  australia: { country: 'AU', continent: 'OC', latitude: '-33.87', longitude: '151.21', colo: 'SYD' },
} as const;
