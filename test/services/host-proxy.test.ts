/**
 * The hosts' reverse proxy, for real: the nginx configuration the launch host writes (from its
 * synthesized cloud-init) runs under Debian's nginx on loopback, with TLS, in front of stand-in
 * HTTP services. Only what the container and Docker provide is substituted: ports, file paths
 * (the origin certificate, the origin-pull CA, nginx's temporary directories), the upstreams' ports,
 * and Docker's DNS server (127.0.0.11), played by a small DNS server on loopback that answers the
 * compose service names with each stand-in's own loopback address; its cache time is cut from 10 s
 * to 1 s so that a changed address is followed within the test. The certificates are throwaway ones made here with openssl:
 * a server certificate for the product's hosts, and a client certificate signed by a test
 * origin-pull CA standing in for the zone's.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createSocket, Socket as UdpSocket } from 'node:dgram';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, IncomingMessage, Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DOCKER_RESOLVER, ORIGIN_PULL_CA_FILE, ORIGIN_TLS_SECRET_FILE, PROXY_PORT, PROXY_RESOLVER_VALID_SECONDS, PROXY_TLS_PORT } from '../../services/compose';
import { originPullCaProblem } from '../../config/origin-pull-ca';
import { PROJECT_ROOT, synthesizeExamples } from '../helpers/examples';
import { hostFile } from '../helpers/host-user-data';
import { selfSignedCertificate } from '../helpers/certificates';
import { describeRequiring, unless } from '../helpers/required-tools';

const NGINX = process.env.STAGECRAFT_NGINX ?? '/usr/sbin/nginx';
const describeWithNginx = describeRequiring(
  [
    ...unless(existsSync(NGINX), `no nginx at ${NGINX} (apt-get install nginx, or set STAGECRAFT_NGINX)`),
    ...unless(existsSync('/usr/bin/openssl'), 'no openssl (apt-get install openssl)'),
  ],
  "the hosts' reverse proxy under TLS (a real nginx)",
);

const STACK = 'acme-launch-us-east-1';
const DOMAIN = 'launch.acme-example.com';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const openssl = (...args: string[]) => execFileSync('/usr/bin/openssl', args, { stdio: 'pipe' });

/** A CA, and a certificate it signs for `cn` with the given extensions. */
const certificateAuthority = (dir: string, name: string) => selfSignedCertificate(dir, name, { ca: true });

function signed(dir: string, name: string, ca: { cert: string; key: string }, extensions: string): { cert: string; key: string } {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.pem`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, extensions);
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${name}`, '-keyout', key, '-out', csr);
  openssl('x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-days', '2', '-extfile', ext, '-out', cert);
  return { cert, key };
}

/**
 * The deployer's commands that make the zone's origin-pull CA and client certificate (step 1 of
 * docs/origin-trust.md), without the upload to Cloudflare and the clean-up.
 */
function documentedCertificateCommands(): string {
  const doc = readFileSync(join(PROJECT_ROOT, 'docs', 'origin-trust.md'), 'utf8');
  const step = doc.slice(doc.indexOf("### 1. The zone's client certificate"));
  const block = /```sh\n([\s\S]*?)```/.exec(step)![1];
  const commands = block.split('\n').filter((line) => /^(DOMAIN=|openssl |printf )/.test(line));
  expect(commands.length).toBeGreaterThanOrEqual(4);
  return commands.join('\n');
}

/**
 * Docker's embedded DNS, standing in: answers an A query for a name in `table` with its address
 * (TTL 600 s, so that only the proxy's `valid=` makes it ask again), NXDOMAIN for any other name,
 * and no answer for other record types.
 */
function dnsStandIn(table: Map<string, string>): Promise<UdpSocket> {
  const socket = createSocket('udp4');
  socket.on('message', (query, peer) => {
    let offset = 12;
    const labels: string[] = [];
    while (query[offset] !== 0) {
      labels.push(query.toString('ascii', offset + 1, offset + 1 + query[offset]));
      offset += query[offset] + 1;
    }
    const type = query.readUInt16BE(offset + 1);
    const question = query.subarray(12, offset + 5);
    const address = table.get(labels.join('.').toLowerCase());
    const header = Buffer.alloc(12);
    header.writeUInt16BE(query.readUInt16BE(0), 0);
    header.writeUInt16BE(address ? 0x8180 : 0x8183, 2);
    header.writeUInt16BE(1, 4);
    const answer =
      address && type === 1
        ? Buffer.concat([Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x02, 0x58, 0, 4]), Buffer.from(address.split('.').map(Number))])
        : Buffer.alloc(0);
    header.writeUInt16BE(answer.length > 0 ? 1 : 0, 6);
    socket.send(Buffer.concat([header, question, answer]), peer.port, peer.address);
  });
  return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket)));
}

/** Upgraded connections of the stand-ins, closed after the tests. */
const sockets = new Set<Socket>();

/** A stand-in service: answers every request with what it received, and echoes bytes after a WebSocket upgrade. */
function standIn(name: string): Server {
  const server = createHttpServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        service: name,
        path: req.url,
        host: req.headers.host,
        user: req.headers['x-stagecraft-user'] ?? null,
        proto: req.headers['x-forwarded-proto'],
        address: req.socket.localAddress,
      }),
    );
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    sockets.add(socket);
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${req.headers.upgrade}\r\nConnection: Upgrade\r\nX-Service: ${name}\r\n\r\n`);
    socket.on('data', (data) => socket.write(Buffer.concat([Buffer.from(`${name}:`), data])));
  });
  return server;
}

interface Answer {
  readonly status: number;
  readonly body: string;
}

describeWithNginx('the launch host proxy under Debian nginx (TLS, origin pulls, host and path routing)', () => {
  let dir: string;
  let nginx: ChildProcess | undefined;
  let tlsPort: number;
  let healthPort: number;
  let serverCa: { cert: string; key: string };
  let client: { cert: string; key: string };
  let stranger: { cert: string; key: string };
  const services = new Map<string, Server>();
  /** What the DNS stand-in answers: compose service name → loopback address. */
  const names = new Map<string, string>();
  let dns: UdpSocket | undefined;
  let config: string;

  beforeAll(async () => {
    const examples = synthesizeExamples();
    config = hostFile(examples, STACK, '/etc/stagecraft/nginx.conf');
    const compose = parse(hostFile(examples, STACK, '/etc/stagecraft/compose.yaml')) as { services: Record<string, { ports?: string[] }> };
    expect(compose.services.proxy.ports).toEqual([`443:${PROXY_TLS_PORT}`]);
    expect(hostFile(examples, STACK, `/etc/stagecraft/${ORIGIN_PULL_CA_FILE}`)).toContain('-----BEGIN CERTIFICATE-----');

    dir = mkdtempSync(join(tmpdir(), 'stagecraft-proxy-'));
    chmodSync(dir, 0o755);
    // The origin certificate: one PEM with the certificate and its key, as the deployer puts it in Secrets Manager.
    serverCa = certificateAuthority(dir, 'origin-ca');
    const server = signed(dir, 'origin', serverCa, `subjectAltName=DNS:${DOMAIN},DNS:*.${DOMAIN}\nextendedKeyUsage=serverAuth\n`);
    writeFileSync(join(dir, ORIGIN_TLS_SECRET_FILE), readFileSync(server.cert, 'utf8') + readFileSync(server.key, 'utf8'));
    // The zone's origin-pull CA and the client certificate Cloudflare would present, made by the
    // openssl commands docs/origin-trust.md gives the deployer; and another zone's.
    const zoneCa = { cert: join(dir, 'origin-pull-ca.pem') };
    execFileSync('/bin/bash', ['-euo', 'pipefail', '-c', documentedCertificateCommands()], { cwd: dir, stdio: 'pipe' });
    expect(originPullCaProblem(readFileSync(zoneCa.cert, 'utf8'))).toBeUndefined();
    client = { cert: join(dir, 'origin-pull.pem'), key: join(dir, 'origin-pull.key') };
    stranger = signed(dir, 'other-zone-pull', certificateAuthority(dir, 'other-zone-ca'), 'extendedKeyUsage=clientAuth\n');

    // Each upstream is a variable the proxy resolves through Docker's DNS per request (cached 10 s), not once at start.
    expect(config).toContain(`resolver ${DOCKER_RESOLVER} valid=${PROXY_RESOLVER_VALID_SECONDS}s ipv6=off;`);
    expect(config).not.toMatch(/proxy_pass http:\/\/[\w-]+:\d+;/);
    const upstreams = [...config.matchAll(/set \$upstream ([\w-]+):(\d+);/g)].map((m) => ({ name: m[1], port: m[2] }));
    expect(new Set(upstreams.map((u) => u.name))).toEqual(new Set(['api', 'websocket-gateway']));
    // Every service on an address of its own, as containers on the compose network are.
    for (const [i, name] of [...new Set(upstreams.map((u) => u.name))].entries()) {
      const service = standIn(name);
      const address = `127.0.0.${10 + i}`;
      await new Promise<void>((resolve) => service.listen(0, address, resolve));
      services.set(name, service);
      names.set(name, address);
    }
    dns = await dnsStandIn(names);
    tlsPort = await freePort();
    healthPort = await freePort();
    let local = config
      .replace(/\/tmp\//g, `${dir}/`)
      .replaceAll(`/run/secrets/${ORIGIN_TLS_SECRET_FILE}`, join(dir, ORIGIN_TLS_SECRET_FILE))
      .replace(`/etc/nginx/${ORIGIN_PULL_CA_FILE}`, zoneCa.cert)
      .replaceAll(`listen ${PROXY_TLS_PORT}`, `listen 127.0.0.1:${tlsPort}`)
      .replace(`listen ${PROXY_PORT};`, `listen 127.0.0.1:${healthPort};`)
      .replace(`resolver ${DOCKER_RESOLVER} valid=${PROXY_RESOLVER_VALID_SECONDS}s`, `resolver 127.0.0.1:${dns.address().port} valid=1s`);
    for (const { name, port } of upstreams) {
      local = local.replaceAll(`set $upstream ${name}:${port};`, `set $upstream ${name}:${(services.get(name)!.address() as { port: number }).port};`);
    }
    writeFileSync(join(dir, 'nginx.conf'), local);
    execFileSync(NGINX, ['-t', '-q', '-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], { stdio: 'pipe' });
    nginx = spawn(NGINX, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf'), '-g', 'daemon off; master_process off;'], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 100; i++) {
      if (
        await get(DOMAIN, '/', {}).then(
          () => true,
          () => false,
        )
      )
        return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`nginx did not start: ${readFileSync(join(dir, 'error.log'), 'utf8')}`);
  }, 60_000);

  afterAll(async () => {
    nginx?.kill('SIGTERM');
    for (const socket of sockets) socket.destroy();
    await Promise.all(
      [...services.values()].map((s) => {
        s.closeAllConnections();
        return new Promise((resolve) => s.close(resolve));
      }),
    );
    dns?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A request with the zone's client certificate, another one, or none (`null`); `sni` defaults to the host. */
  function get(
    host: string,
    path: string,
    headers: Record<string, string>,
    certificate: { cert: string; key: string } | null = client,
    sni = host,
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: tlsPort,
          path,
          servername: sni,
          headers: { host, ...headers },
          ca: readFileSync(serverCa.cert),
          ...(certificate ? { cert: readFileSync(certificate.cert), key: readFileSync(certificate.key) } : {}),
          agent: false,
        },
        (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  const served = async (host: string, path: string, headers: Record<string, string> = {}) => {
    const answer = await get(host, path, headers);
    expect(answer.status).toBe(200);
    return JSON.parse(answer.body) as { service: string; path: string; host: string; user: string | null; proto: string };
  };

  it('serves TLS with the origin certificate and routes each public route by host and path', async () => {
    expect(await served(DOMAIN, '/api/conversations?page=2')).toEqual({
      service: 'api',
      path: '/api/conversations?page=2',
      host: DOMAIN,
      user: null,
      proto: 'https',
      address: names.get('api'),
    });
    expect((await served(`www.${DOMAIN}`, '/')).service).toBe('api');
    expect((await served(`api.${DOMAIN}`, '/v1/messages')).service).toBe('api');
    // The gateway's prefix is /ws: the path itself and below it, on every product host; /wsx is not below it.
    expect((await served(DOMAIN, '/ws')).service).toBe('websocket-gateway');
    expect((await served(`api.${DOMAIN}`, '/ws/room/7')).service).toBe('websocket-gateway');
    expect((await served(DOMAIN, '/wsx')).service).toBe('api');
    // The request URI reaches the service exactly as the client sent it, under a variable proxy_pass too.
    expect(await served(`api.${DOMAIN}`, '/ws/room/7?token=a%2Fb')).toMatchObject({ service: 'websocket-gateway', path: '/ws/room/7?token=a%2Fb' });
    expect(await served(DOMAIN, '/api/files/a%2Fb/../c?x=1')).toMatchObject({ service: 'api', path: '/api/files/a%2Fb/../c?x=1' });
  });

  it('follows a service whose container is recreated with a new address, without a reload', async () => {
    const before = await served(DOMAIN, '/api/me');
    expect(before).toMatchObject({ service: 'api', address: names.get('api') });
    // A release recreates the api container: same name and port, a new address; the old one is gone.
    const old = services.get('api')!;
    const { port } = old.address() as { port: number };
    const recreated = standIn('api');
    await new Promise<void>((resolve) => recreated.listen(port, '127.0.0.20', resolve));
    services.set('api', recreated);
    names.set('api', '127.0.0.20');
    old.closeAllConnections();
    await new Promise((resolve) => old.close(resolve));
    // Within the proxy's cache time (1 s here, 10 s as synthesized) requests reach the new container.
    let answer: { service: string; address?: string } | undefined;
    for (let i = 0; i < 40 && answer?.address !== '127.0.0.20'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const reply = await get(DOMAIN, '/api/me', {});
      answer = reply.status === 200 ? (JSON.parse(reply.body) as { service: string; address: string }) : undefined;
    }
    expect(answer).toMatchObject({ service: 'api', address: '127.0.0.20' });
    expect(await served(DOMAIN, '/api/me')).toMatchObject({ service: 'api', address: '127.0.0.20' });
  });

  it('passes WebSocket upgrades through to the gateway', async () => {
    const echoed = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest({
        host: '127.0.0.1',
        port: tlsPort,
        path: '/ws',
        servername: DOMAIN,
        headers: { host: DOMAIN, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
        ca: readFileSync(serverCa.cert),
        cert: readFileSync(client.cert),
        key: readFileSync(client.key),
        agent: false,
      });
      req.on('upgrade', (res, socket) => {
        expect(res.statusCode).toBe(101);
        expect(res.headers['x-service']).toBe('websocket-gateway');
        socket.once('data', (data: Buffer) => {
          resolve(data.toString());
          socket.destroy();
        });
        socket.write('hello');
      });
      req.on('response', (res) => reject(new Error(`no upgrade: ${res.statusCode}`)));
      req.on('error', reject);
      req.end();
    });
    expect(echoed).toBe('websocket-gateway:hello');
  });

  it("empties a client's X-Stagecraft-User (hosts never run behind the edge Worker)", async () => {
    expect((await served(DOMAIN, '/api/me', { 'x-stagecraft-user': 'admin' })).user).toBeNull();
  });

  it("answers the container's health check on the unpublished plain port, and nothing else there", async () => {
    expect((await fetch(`http://127.0.0.1:${healthPort}/nginx-health`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${healthPort}/api/me`)).status).toBe(404);
  });

  it('answers 421 for a name that is not a product host', async () => {
    expect((await get('evil.example.com', '/', {}, client, DOMAIN)).status).toBe(421);
  });

  it("refuses a connection without the zone's client certificate, or with another zone's", async () => {
    const none = await get(DOMAIN, '/', {}, null);
    expect(none.status).toBe(400);
    expect(none.body).toContain('No required SSL certificate was sent');
    const other = await get(DOMAIN, '/', {}, stranger);
    expect(other.status).toBe(400);
    expect(other.body).toContain('The SSL certificate error');
  });
});
