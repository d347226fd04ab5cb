/**
 * A gRPC proxy in front of the shared AWS provider processes (aws-provider.ts) that serves each
 * root module the provider schema of only the types it names (provider-schema-trim.ts), and gives
 * each provider configuration terraform configures a provider process of its own.
 *
 * The schema: terraform core decodes the whole `GetProviderSchema` response in every command,
 * ~1,500 AWS resource types and 600 data sources for the few dozen a stack uses, and the provider
 * encoded it for every command: that was most of an attached plan's CPU (a plan and `show -json` of
 * acme-growth-us-east-1: 7.9–8.2 CPU s attached directly, 3.8–4.0 through this proxy, both
 * processes and the proxy counted). The proxy asks the provider once, keeps the bytes, and answers
 * each root with its types' map entries, each byte for byte as the provider sent it.
 *
 * Everything else is forwarded at the HTTP/2 level, unread: each call's headers, message bytes and
 * trailers go to the provider and back as they are (node's http2, no gRPC library: cheaper per
 * call, and a terraform connection is a session here). The real provider still validates and plans
 * every resource, and terraform core still checks the configuration against the provider's own
 * schema of every type the root uses; a type the provider lacks is absent here as well, so
 * terraform refuses it with its own error (with the same "Did you mean" suggestion: see keptTypes).
 *
 * Configurations: one provider process keeps the settings of its last `ConfigureProvider` only,
 * and terraform opens one connection per provider configuration. So a connection that calls
 * `Configure` is bound to a process of its own for as long as it stays open: the lowest-numbered
 * process no other open connection is bound to (started on first use by the caller's
 * `providerFor`). A stack with an alias in another region thus plans each configuration's resources
 * on a process configured with that configuration alone, as terraform's own processes would.
 * Connections that configure nothing (the schema, the validate walk, `show`) go to the first
 * process: their calls do not depend on a configuration.
 *
 * Each root gets its own Unix socket (attach()), since the types differ. Requires the provider to
 * speak plugin protocol 5 (hashicorp/aws 5.x does).
 */
import * as fs from 'fs';
import * as http2 from 'http2';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { AttachedAwsProvider } from './aws-provider';
import { NamedTypes, parseProviderSchema, ParsedProviderSchema, trimProviderSchema } from './provider-schema-trim';

/** gRPC method paths of plugin protocol 5 the proxy reads (every other one it only forwards). */
const SCHEMA_PATH = '/tfplugin5.Provider/GetSchema';
const CONFIGURE_PATH = '/tfplugin5.Provider/Configure';
/** gRPC status codes the proxy answers with itself: the provider is not reachable. */
const UNAVAILABLE = 14;

/** One root's view of the providers: the `TF_REATTACH_PROVIDERS` entry that attaches terraform to it. */
export interface SchemaProxyAttachment {
  readonly reattach: Readonly<Record<string, unknown>>;
  /** Stops serving this root (terraform has exited) and removes its socket. */
  close(): Promise<void>;
}

/** The proxy in front of one check slot's provider processes. */
export interface AwsSchemaProxy {
  /** Serves a root that names `types`: a socket of its own whose schema holds those types. */
  attach(types: NamedTypes): Promise<SchemaProxyAttachment>;
  /** Closes every attachment and the connections to the providers (not the providers). */
  close(): Promise<void>;
}

/** An HTTP/2 connection to one provider process. */
interface Upstream {
  readonly provider: AttachedAwsProvider;
  readonly session: http2.ClientHttp2Session;
  readonly key: string;
  readonly entry: Record<string, unknown>;
}

function connect(provider: AttachedAwsProvider): Upstream {
  const [key, value] = Object.entries(provider.reattach)[0] ?? [];
  const entry = (value ?? {}) as Record<string, unknown>;
  const addr = (entry.Addr ?? {}) as { Network?: string; String?: string };
  if (entry.ProtocolVersion !== 5)
    throw new Error(`the AWS provider speaks plugin protocol ${String(entry.ProtocolVersion)}; the schema proxy forwards protocol 5`);
  if (addr.Network !== 'unix' && addr.Network !== 'tcp')
    throw new Error(`the AWS provider listens on ${String(addr.Network)}; the schema proxy connects to unix or tcp`);
  const target = String(addr.String);
  const session = http2.connect('http://provider', {
    createConnection: () => (addr.Network === 'unix' ? net.connect(target) : net.connect(Number(target.split(':').pop()), target.replace(/:\d+$/, ''))),
  });
  session.on('error', () => undefined); // each call on it reports the failure to terraform
  return { provider, session, key: key as string, entry };
}

/** Request headers to pass on: everything but HTTP/2 pseudo-headers, which the client session sets. */
function forwardedHeaders(headers: http2.IncomingHttpHeaders): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = { ':method': 'POST', ':path': headers[':path'] };
  for (const [name, value] of Object.entries(headers)) if (!name.startsWith(':')) out[name] = value;
  return out;
}

function responseHeaders(headers: http2.IncomingHttpHeaders): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = { ':status': headers[':status'] ?? 200 };
  for (const [name, value] of Object.entries(headers)) if (!name.startsWith(':')) out[name] = value;
  return out;
}

/** Answers a call with a gRPC error (a trailers-only response), or resets it when the answer has begun. */
function failWith(stream: http2.ServerHttp2Stream, code: number, message: string): void {
  if (stream.destroyed || stream.closed) return;
  if (stream.headersSent) {
    stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    return;
  }
  stream.respond(
    { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': String(code), 'grpc-message': encodeURIComponent(message) },
    { endStream: true },
  );
}

/** Forwards one call to `upstream` as it is: headers, message bytes and trailers, both ways. */
function forward(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, upstream: Upstream): void {
  let up: http2.ClientHttp2Stream;
  try {
    up = upstream.session.request(forwardedHeaders(headers));
  } catch (error) {
    failWith(stream, UNAVAILABLE, `the AWS provider is not reachable: ${(error as Error).message}`);
    return;
  }
  let trailers: http2.OutgoingHttpHeaders | undefined;
  up.on('response', (h) => {
    if (h['grpc-status'] !== undefined) {
      // Trailers-only (an error): the whole answer is in these headers.
      if (!stream.closed) stream.respond(responseHeaders(h), { endStream: true });
      up.resume();
      return;
    }
    if (stream.closed) return;
    stream.respond(responseHeaders(h), { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers(trailers ?? { 'grpc-status': '13', 'grpc-message': 'the AWS provider sent no status' }));
    up.pipe(stream);
  });
  up.on('trailers', (t: http2.IncomingHttpHeaders) => {
    trailers = {};
    for (const [name, value] of Object.entries(t)) if (!name.startsWith(':')) trailers[name] = value;
  });
  up.on('error', (error) => failWith(stream, UNAVAILABLE, `the AWS provider closed the call: ${error.message}`));
  stream.pipe(up);
  // Terraform gone (or the call cancelled): stop the provider's side of it too.
  stream.on('close', () => {
    if (!up.closed) up.close(http2.constants.NGHTTP2_CANCEL);
  });
}

/** gRPC's message framing: a compressed flag, a 4-byte length, the bytes. */
function frame(message: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

/** The provider's own GetProviderSchema response (the message, unframed). */
function fetchSchema(upstream: Upstream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let up: http2.ClientHttp2Stream;
    try {
      up = upstream.session.request({ ':method': 'POST', ':path': SCHEMA_PATH, 'content-type': 'application/grpc', te: 'trailers' });
    } catch (error) {
      reject(error);
      return;
    }
    const chunks: Buffer[] = [];
    let status: string | undefined;
    let message = '';
    up.on('response', (h) => {
      if (h['grpc-status'] !== undefined) {
        status = String(h['grpc-status']);
        message = decodeURIComponent(String(h['grpc-message'] ?? ''));
      }
    });
    up.on('trailers', (t: http2.IncomingHttpHeaders) => {
      status = String(t['grpc-status']);
      message = decodeURIComponent(String(t['grpc-message'] ?? ''));
    });
    up.on('data', (chunk: Buffer) => chunks.push(chunk));
    up.on('error', reject);
    up.on('end', () => {
      const body = Buffer.concat(chunks);
      if (status !== '0') reject(new Error(`GetSchema failed (grpc-status ${status}): ${message}`));
      else if (body.length < 5 || body[0] !== 0 || body.readUInt32BE(1) !== body.length - 5) reject(new Error('GetSchema: not one uncompressed gRPC message'));
      else resolve(body.subarray(5));
    });
    up.end(frame(Buffer.alloc(0)));
  });
}

/**
 * Starts the proxy (nothing listens until attach()). `providerFor(i)` is the slot's i-th provider
 * process, started on first use (and again after it died): a terraform connection that configures
 * the provider gets one of its own, the lowest index no other open connection has; connections that
 * configure nothing use the first. The schema comes from the first, once.
 */
export function startAwsSchemaProxy(providerFor: (index: number) => Promise<AttachedAwsProvider>): AwsSchemaProxy {
  const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-aws-schema-'));
  const upstreams = new Map<AttachedAwsProvider, Upstream>();
  const upstream = async (index: number): Promise<Upstream> => {
    const provider = await providerFor(index);
    let current = upstreams.get(provider);
    if (!current || current.session.closed || current.session.destroyed) {
      current = connect(provider);
      upstreams.set(provider, current);
    }
    return current;
  };
  let schema: Promise<{ bytes: Buffer; parsed?: ParsedProviderSchema }> | undefined;
  const fullSchema = (): Promise<{ bytes: Buffer; parsed?: ParsedProviderSchema }> => {
    schema ??= upstream(0)
      .then(fetchSchema)
      .then((bytes) => {
        try {
          return { bytes, parsed: parseProviderSchema(bytes) };
        } catch {
          return { bytes };
        }
      });
    schema.catch(() => (schema = undefined));
    return schema;
  };
  /** The provider index each open terraform connection configured. */
  const bound = new Map<http2.ServerHttp2Session, number>();
  const attachments = new Set<SchemaProxyAttachment>();
  let count = 0;

  const attach = async (types: NamedTypes): Promise<SchemaProxyAttachment> => {
    const first = await upstream(0);
    let trimmed: Buffer | undefined;
    const server = http2.createServer();
    const sessions = new Set<http2.ServerHttp2Session>();
    server.on('session', (session) => {
      sessions.add(session);
      session.on('close', () => {
        sessions.delete(session);
        bound.delete(session);
      });
      session.on('error', () => undefined);
    });
    server.on('stream', (stream, headers) => {
      stream.on('error', () => undefined);
      const methodPath = headers[':path'];
      if (methodPath === SCHEMA_PATH) {
        stream.resume();
        fullSchema().then(
          (full) => {
            trimmed ??= full.parsed ? trimProviderSchema(full.parsed, types) : full.bytes;
            if (stream.closed) return;
            stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
            stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
            stream.end(frame(trimmed));
          },
          (error: Error) => failWith(stream, UNAVAILABLE, error.message),
        );
        return;
      }
      const session = stream.session as http2.ServerHttp2Session;
      if (methodPath === CONFIGURE_PATH && !bound.has(session)) {
        const taken = new Set(bound.values());
        let index = 0;
        while (taken.has(index)) index++;
        bound.set(session, index);
      }
      const index = bound.get(session) ?? 0;
      stream.pause();
      upstream(index).then(
        (target) => forward(stream, headers, target),
        (error: Error) => failWith(stream, UNAVAILABLE, error.message),
      );
    });
    const socket = path.join(socketDir, `${++count}.sock`);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socket, () => resolve());
    });
    let closed: Promise<void> | undefined;
    const attachment: SchemaProxyAttachment = {
      reattach: { [first.key]: { ...first.entry, Addr: { Network: 'unix', String: socket } } },
      close: () =>
        (closed ??= (async () => {
          attachments.delete(attachment);
          for (const session of sessions) session.destroy();
          await new Promise<void>((resolve) => server.close(() => resolve()));
          fs.rmSync(socket, { force: true });
        })()),
    };
    attachments.add(attachment);
    return attachment;
  };

  let closed: Promise<void> | undefined;
  return {
    attach,
    close: () =>
      (closed ??= (async () => {
        await Promise.all([...attachments].map((attachment) => attachment.close()));
        for (const { session } of upstreams.values()) session.destroy();
        fs.rmSync(socketDir, { recursive: true, force: true });
      })()),
  };
}
