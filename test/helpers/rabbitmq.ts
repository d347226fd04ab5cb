/**
 * A throwaway RabbitMQ node from Debian's `rabbitmq-server` package on loopback, for tests that must
 * run a Job's script against a real broker's management API (what Amazon MQ for RabbitMQ exposes):
 * its own node name, ports (AMQP, management, distribution, epmd) and data directory in a
 * temporary directory, the management plugin enabled, and an administrator made from the
 * configuration file, as Amazon MQ makes the broker's admin user. stop() stops the node and its
 * epmd and removes the directory.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RABBITMQ_BIN = '/usr/lib/rabbitmq/bin';

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

export interface ThrowawayRabbitMq {
  /** The management API's base URL (`http://127.0.0.1:<port>`), what the Jobs call the console URL. */
  readonly managementUrl: string;
  readonly admin: { readonly username: string; readonly password: string };
  /** GET `path` of the management API as the admin: status and parsed body. */
  get(path: string): Promise<{ status: number; body: any }>;
  /** Whether the broker accepts each `[user, password]` (its internal login check, as an AMQP client's login runs it), in one rabbitmqctl call. */
  authenticates(logins: ReadonlyArray<readonly [string, string]>): boolean[];
  stop(): void;
}

/** Starts a node (the first boot takes tens of seconds); rejects after `timeoutMs`. */
export async function startRabbitMq(
  bin: string,
  admin = { username: 'stagecraft-admin', password: 'admin-password' },
  timeoutMs = 170_000,
): Promise<ThrowawayRabbitMq> {
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-rabbitmq-'));
  const [amqp, management, distribution, epmd] = [await freePort(), await freePort(), await freePort(), await freePort()];
  mkdirSync(join(dir, 'mnesia'));
  mkdirSync(join(dir, 'log'));
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    [
      `listeners.tcp.default = 127.0.0.1:${amqp}`,
      `management.tcp.ip = 127.0.0.1`,
      `management.tcp.port = ${management}`,
      `default_user = ${admin.username}`,
      `default_pass = ${admin.password}`,
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
  const server: ChildProcess = spawn(join(bin, 'rabbitmq-server'), [], { env, stdio: 'ignore', detached: true });
  // The node is stopped through rabbitmqctl; the test process does not wait on it.
  server.unref();
  const managementUrl = `http://127.0.0.1:${management}`;
  const authorization = `Basic ${Buffer.from(`${admin.username}:${admin.password}`).toString('base64')}`;
  // A GET is retried when the broker closed a kept-alive socket that fetch reused ("other side
  // closed"), which happens on a loaded machine when the broker's idle timeout wins the race.
  const get = async (path: string, attempt = 1): Promise<{ status: number; body: any }> => {
    let response: Response;
    try {
      response = await fetch(`${managementUrl}${path}`, { headers: { authorization } });
    } catch (error) {
      const closed = (error as { cause?: { code?: string } }).cause?.code === 'UND_ERR_SOCKET';
      if (closed && attempt < 3) return get(path, attempt + 1);
      throw error;
    }
    const text = await response.text();
    return { status: response.status, body: text.length > 0 ? JSON.parse(text) : undefined };
  };
  const ctl = (args: string[]) => execFileSync(join(bin, 'rabbitmqctl'), ['-n', node, ...args], { env, stdio: 'pipe', encoding: 'utf8' });
  const stop = () => {
    try {
      ctl(['stop']);
    } catch {
      if (server.pid !== undefined) process.kill(-server.pid, 'SIGKILL');
    } finally {
      try {
        execFileSync('epmd', ['-port', String(epmd), '-kill'], { stdio: 'ignore' });
      } catch {
        // epmd was not started, or already gone.
      }
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const started = Date.now();
  for (;;) {
    try {
      if ((await get('/api/overview')).status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (server.exitCode !== null || Date.now() - started > timeoutMs) {
      stop();
      throw new Error(`RabbitMQ did not start within ${timeoutMs} ms (exit code ${server.exitCode})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return {
    managementUrl,
    admin,
    get,
    authenticates(logins) {
      const binary = (text: string) => `<<"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"/utf8>>`;
      const checks = logins.map(([user, password]) => `element(1, rabbit_access_control:check_user_pass_login(${binary(user)}, ${binary(password)}))`);
      const answer = ctl(['eval', `[${checks.join(', ')}].`]).trim();
      const results = answer
        .replace(/^\[|\]$/g, '')
        .split(',')
        .map((r) => r.trim());
      if (results.length !== logins.length || results.some((r) => r !== 'ok' && r !== 'refused'))
        throw new Error(`unexpected answer from rabbitmqctl eval: ${answer}`);
      return results.map((r) => r === 'ok');
    },
    stop,
  };
}
