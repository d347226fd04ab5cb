/**
 * A throwaway RabbitMQ node from Debian's `rabbitmq-server` package on loopback, for tests that must
 * run a Job's script against a real broker's management API (what Amazon MQ for RabbitMQ exposes):
 * its own node name, ports (AMQP, management, distribution, epmd) and data directory in a
 * temporary directory, the management plugin enabled.
 *
 * A node takes ~10 CPU seconds to boot, so a jest run boots one for every file that needs it
 * (test/global-setup.ts names the run): the first file to lease it starts it, and the files take
 * turns, each holding it from its `beforeAll` to its `afterAll`. Every lease starts from what a
 * freshly booted node holds: the default vhost `/` deleted and made again (no exchange, queue,
 * binding, policy or permission left from another file) and no user but the node's own root and the
 * file's administrator, made as Amazon MQ makes the broker's admin user. The node is killed at the
 * end of the run (test/global-teardown.ts), or by its watchdog when the run's process dies first;
 * outside a run with that setup a file boots a node of its own and kills it at release.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive, takeLock } from './lock';

const RABBITMQ_BIN = '/usr/lib/rabbitmq/bin';
/** Set by test/global-setup.ts to the jest run's process id: the run the shared node belongs to. */
export const TEST_RUN_ENV = 'STAGECRAFT_TEST_RUN';
/** The node's own administrator, which resets it between leases; no test's admin may take its name. */
const ROOT_USER = 'stagecraft-test-root';
/** How often a file waiting for the node looks again. */
const POLL_MS = 250;

/** Debian's RabbitMQ bin directory, or undefined when the server is not installed. */
export function rabbitMqBinDir(): string | undefined {
  return existsSync(join(RABBITMQ_BIN, 'rabbitmq-server')) ? RABBITMQ_BIN : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ThrowawayRabbitMq {
  /** The management API's base URL (`http://127.0.0.1:<port>`), what the Jobs call the console URL. */
  readonly managementUrl: string;
  readonly admin: { readonly username: string; readonly password: string };
  /** GET `path` of the management API as the admin: status and parsed body. */
  get(path: string): Promise<{ status: number; body: any }>;
  /** Whether the broker accepts each `[user, password]`: an AMQP 0-9-1 client's PLAIN login on the node's AMQP port, one connection each. */
  authenticates(logins: ReadonlyArray<readonly [string, string]>): Promise<boolean[]>;
  /** Gives the node back to the run (or kills a node of the file's own). */
  release(): Promise<void>;
}

/** A running node, as written to the run's state file. */
interface RunningNode {
  readonly node: string;
  /** The process group of `rabbitmq-server` and the Erlang VM it starts. */
  readonly pgid: number;
  readonly dir: string;
  readonly amqp: number;
  readonly management: number;
  readonly epmd: number;
  readonly rootPassword: string;
  /** The watchdog's process group (shared nodes only). */
  readonly watchdog?: number;
}

/**
 * GET, PUT or DELETE on the management API as `user`: status and parsed body. A connection per
 * request (no keep-alive), so no socket outlives the file's use of the node.
 */
function request(url: string, user: { username: string; password: string }, method = 'GET', body?: unknown): Promise<{ status: number; body: any }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      {
        method,
        agent: false,
        headers: {
          authorization: `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`,
          ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: response.statusCode ?? 0, body: text.length > 0 ? JSON.parse(text) : undefined });
          } catch (error) {
            reject(new Error(`${method} ${url}: ${response.statusCode}: not JSON: ${text.slice(0, 200)} (${(error as Error).message})`));
          }
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/** Boots a node whose only user is its root administrator; rejects after `timeoutMs`. */
async function bootNode(bin: string, timeoutMs: number): Promise<RunningNode> {
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-rabbitmq-'));
  const [amqp, management, distribution, epmd] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const rootPassword = randomBytes(12).toString('hex');
  mkdirSync(join(dir, 'mnesia'));
  mkdirSync(join(dir, 'log'));
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    [
      `listeners.tcp.default = 127.0.0.1:${amqp}`,
      `management.tcp.ip = 127.0.0.1`,
      `management.tcp.port = ${management}`,
      `default_user = ${ROOT_USER}`,
      `default_pass = ${rootPassword}`,
      'default_user_tags.administrator = true',
      'default_permissions.configure = .*',
      'default_permissions.read = .*',
      'default_permissions.write = .*',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'enabled_plugins'), '[rabbitmq_management].\n');
  const node = `stagecraft${process.pid}x${amqp}@localhost`;
  const env = {
    ...process.env,
    HOME: dir,
    RABBITMQ_NODENAME: node,
    RABBITMQ_DIST_PORT: String(distribution),
    ERL_EPMD_PORT: String(epmd),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_PID_FILE: join(dir, 'pid'),
  };
  // A process group of its own (detached), so that one signal ends the script and the VM; no process waits on it.
  const server: ChildProcess = spawn(join(bin, 'rabbitmq-server'), [], { env, stdio: 'ignore', detached: true });
  server.unref();
  const running: RunningNode = { node, pgid: server.pid!, dir, amqp, management, epmd, rootPassword };
  const started = Date.now();
  for (;;) {
    try {
      if ((await request(`http://127.0.0.1:${management}/api/overview`, { username: ROOT_USER, password: rootPassword })).status === 200) return running;
    } catch {
      // Not listening yet.
    }
    if (server.exitCode !== null || Date.now() - started > timeoutMs) {
      killNode(running);
      throw new Error(`RabbitMQ did not start within ${timeoutMs} ms (exit code ${server.exitCode})`);
    }
    await sleep(500);
  }
}

/** Whether the node is up and answers its root administrator. */
async function answers(running: RunningNode): Promise<boolean> {
  if (!isAlive(running.pgid)) return false;
  try {
    return (await request(`http://127.0.0.1:${running.management}/api/overview`, { username: ROOT_USER, password: running.rootPassword })).status === 200;
  } catch {
    return false;
  }
}

/** Kills the node's process group and its epmd, and removes its directory: a throwaway node keeps nothing, so no graceful stop. */
function killNode(running: RunningNode): void {
  try {
    process.kill(-running.pgid, 'SIGKILL');
  } catch {
    // Already gone.
  }
  // epmd refuses to stop while it still lists the node, which it drops once it sees the VM's connection close.
  for (let attempt = 0; attempt < 50; attempt++) {
    let answer: string;
    try {
      answer = execFileSync('epmd', ['-port', String(running.epmd), '-kill'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      answer = `${e.stdout ?? ''}${e.stderr ?? ''}`;
    }
    // "Killed", or no epmd to kill (never started, or gone).
    if (!/not allowed/i.test(answer)) break;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  rmSync(running.dir, { recursive: true, force: true });
}

/** The run's directory: the lease (a lock file holding the holder's pid) and the running node's state. */
function runDirectory(run: string): string {
  return join(tmpdir(), `stagecraft-rabbitmq-run-${run}`);
}

/** Kills the run's node and its watchdog, if the run started one (test/global-teardown.ts). */
export function stopRunNode(run: string): void {
  const dir = runDirectory(run);
  const state = join(dir, 'node.json');
  if (existsSync(state)) {
    const running = JSON.parse(readFileSync(state, 'utf8')) as RunningNode;
    if (running.watchdog !== undefined) {
      try {
        process.kill(-running.watchdog, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    killNode(running);
  }
  rmSync(dir, { recursive: true, force: true });
}

/**
 * A process that kills the node when the run's process is gone (a run stopped by a signal never
 * runs its global teardown), and cleans up after a node that died by itself.
 */
function startWatchdog(run: string, running: RunningNode, runDir: string): number {
  const script = [
    'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 5; done',
    'kill -9 "-$2" 2>/dev/null',
    'for attempt in 1 2 3 4 5 6 7 8 9 10; do epmd -port "$3" -kill 2>&1 | grep -qi "not allowed" || break; sleep 0.5; done',
    'rm -rf "$4"',
    // The run's directory (its lease) only once the run is gone: a node that died mid-run is booted again by the next lease.
    'kill -0 "$1" 2>/dev/null || rm -rf "$5"',
  ].join('\n');
  const watchdog = spawn('sh', ['-c', script, 'rabbitmq-watchdog', run, String(running.pgid), String(running.epmd), running.dir, runDir], {
    stdio: 'ignore',
    detached: true,
  });
  watchdog.unref();
  return watchdog.pid!;
}

/** Back to what a freshly booted node holds, then `admin` made an administrator with every permission on `/`. */
async function reset(running: RunningNode, admin: { username: string; password: string }): Promise<void> {
  if (admin.username === ROOT_USER) throw new Error(`${ROOT_USER} is the test node's own user; give the test's admin another name`);
  const root = { username: ROOT_USER, password: running.rootPassword };
  const api = `http://127.0.0.1:${running.management}/api`;
  const expect2xx = async (method: string, path: string, body?: unknown) => {
    const { status, body: answer } = await request(`${api}${path}`, root, method, body);
    if (status < 200 || status > 299) throw new Error(`RabbitMQ reset: ${method} ${path}: ${status} ${JSON.stringify(answer)}`);
  };
  const { body: users } = await request(`${api}/users`, root);
  for (const { name } of users as Array<{ name: string }>) if (name !== ROOT_USER) await expect2xx('DELETE', `/users/${encodeURIComponent(name)}`);
  await expect2xx('DELETE', '/vhosts/%2F');
  await expect2xx('PUT', '/vhosts/%2F', {});
  await expect2xx('PUT', `/users/${encodeURIComponent(admin.username)}`, { password: admin.password, tags: 'administrator' });
  for (const user of [ROOT_USER, admin.username])
    await expect2xx('PUT', `/permissions/%2F/${encodeURIComponent(user)}`, { configure: '.*', write: '.*', read: '.*' });
}

/**
 * The node for this file: the run's shared node, reset and leased to this file until release()
 * (waiting while another file holds it, booting it if no file has yet), or, when no run is named
 * (a file run without test/global-setup.ts), a node of its own. `timeoutMs` bounds the wait and the boot.
 */
export async function leaseRabbitMq(
  bin: string,
  admin = { username: 'stagecraft-admin', password: 'admin-password' },
  timeoutMs = 400_000,
): Promise<ThrowawayRabbitMq> {
  const run = process.env[TEST_RUN_ENV];
  if (run === undefined) {
    const running = await bootNode(bin, timeoutMs);
    try {
      await reset(running, admin);
    } catch (error) {
      killNode(running);
      throw error;
    }
    return handle(running, admin, async () => killNode(running));
  }
  const dir = runDirectory(run);
  mkdirSync(dir, { recursive: true });
  const lease = join(dir, 'lease');
  const state = join(dir, 'node.json');
  const started = Date.now();
  while (!takeLock(lease)) {
    if (Date.now() - started > timeoutMs) throw new Error(`the run's RabbitMQ node stayed leased for ${timeoutMs} ms (${lease})`);
    await sleep(POLL_MS);
  }
  try {
    let running = existsSync(state) ? (JSON.parse(readFileSync(state, 'utf8')) as RunningNode) : undefined;
    if (running !== undefined && !(await answers(running))) {
      // Died since the last lease: its watchdog cleans up after it.
      running = undefined;
    }
    if (running === undefined) {
      const booted = await bootNode(bin, Math.max(timeoutMs - (Date.now() - started), 60_000));
      running = { ...booted, watchdog: startWatchdog(run, booted, dir) };
      writeFileSync(state, JSON.stringify(running));
    }
    await reset(running, admin);
    return handle(running, admin, async () => rmSync(lease, { force: true }));
  } catch (error) {
    rmSync(lease, { force: true });
    throw error;
  }
}

function handle(running: RunningNode, admin: { username: string; password: string }, release: () => Promise<void>): ThrowawayRabbitMq {
  const managementUrl = `http://127.0.0.1:${running.management}`;
  return {
    managementUrl,
    admin,
    get: (path) => request(`${managementUrl}${path}`, admin),
    authenticates: (logins) => Promise.all(logins.map(([user, password]) => amqpLogin(running.amqp, user, password))),
    release,
  };
}

/** An AMQP 0-9-1 frame: type, channel, payload, frame end. */
function frame(type: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(7);
  header.writeUInt8(type, 0);
  header.writeUInt16BE(0, 1);
  header.writeUInt32BE(payload.length, 3);
  return Buffer.concat([header, payload, Buffer.from([0xce])]);
}

const shortString = (text: string) => Buffer.concat([Buffer.from([Buffer.byteLength(text)]), Buffer.from(text)]);
const longString = (bytes: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, 0].map((_, i) => (bytes.length >>> (24 - 8 * i)) & 0xff)), bytes]);

/**
 * Logs in as an AMQP client does (protocol header, Connection.Start-Ok with PLAIN): true when the
 * broker answers Connection.Tune, false when it closes the connection with 403 ACCESS_REFUSED (the
 * client asks for that close with the `authentication_failure_close` capability); anything else throws.
 */
function amqpLogin(port: number, user: string, password: string): Promise<boolean> {
  // client-properties: { capabilities: { authentication_failure_close: true } }
  const capabilities = Buffer.concat([shortString('authentication_failure_close'), Buffer.from('t'), Buffer.from([1])]);
  const properties = Buffer.concat([shortString('capabilities'), Buffer.from('F'), longString(capabilities)]);
  const startOk = Buffer.concat([
    Buffer.from([0, 10, 0, 11]),
    longString(properties),
    shortString('PLAIN'),
    longString(Buffer.from(`\0${user}\0${password}`)),
    shortString('en_US'),
  ]);
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let settled = false;
    const settle = (outcome: boolean | Error) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    socket.setTimeout(60_000, () => settle(new Error(`AMQP login of ${user}: no answer within 60 s`)));
    socket.on('connect', () => socket.write(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1')));
    socket.on('error', (error) => settle(error));
    socket.on('close', () => settle(new Error(`AMQP login of ${user}: the broker closed the connection without an answer`)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      while (received.length >= 7 && received.length >= 8 + received.readUInt32BE(3)) {
        const size = received.readUInt32BE(3);
        const [type, payload] = [received.readUInt8(0), received.subarray(7, 7 + size)];
        received = received.subarray(8 + size);
        if (type !== 1) continue;
        const method = `${payload.readUInt16BE(0)}.${payload.readUInt16BE(2)}`;
        if (method === '10.10') socket.write(frame(1, startOk));
        else if (method === '10.30') settle(true);
        else if (method === '10.50' && payload.readUInt16BE(4) === 403) settle(false);
        else settle(new Error(`AMQP login of ${user}: unexpected method ${method} (${payload.subarray(4).toString('latin1')})`));
      }
    });
  });
}
