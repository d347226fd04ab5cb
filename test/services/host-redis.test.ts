/**
 * Redis on the launch host, for real: the `redis-server` command of the synthesized compose
 * document (the launch stack's release object) runs under Debian's redis-server on loopback, and
 * the server reports the memory limit and the allkeys-lru eviction seed 004 asks for. Paths of
 * the container (/data, the secret file) become temporary ones; nothing else is changed.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { redisMaxMemoryMiB } from '../../services/compose';
import { synthesizeExamples } from '../helpers/examples';
import { releaseFile } from '../helpers/host-user-data';
import { describeRequiring, unless } from '../helpers/required-tools';

const REDIS = process.env.STAGECRAFT_REDIS_SERVER ?? '/usr/bin/redis-server';
const describeWithRedis = describeRequiring(
  [
    ...unless(existsSync(REDIS), `no redis-server at ${REDIS} (apt-get install redis-server, or set STAGECRAFT_REDIS_SERVER)`),
    ...unless(existsSync('/usr/bin/redis-cli'), 'no redis-cli (apt-get install redis-server)'),
  ],
  "the launch host's Redis settings (a real redis-server)",
);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describeWithRedis('Redis on the launch host (Debian redis-server)', () => {
  let dir: string;
  let server: ChildProcess | undefined;
  let port: number;
  const cli = (...args: string[]) =>
    execFileSync('/usr/bin/redis-cli', ['-h', '127.0.0.1', '-p', String(port), '--no-auth-warning', '-a', 'test-password', ...args], {
      encoding: 'utf8',
    }).trim();

  beforeAll(async () => {
    const examples = synthesizeExamples();
    const compose = parse(releaseFile(examples, 'acme-launch-us-east-1', 'compose.yaml'));
    const [shell, flag, command] = compose.services.redis.command as string[];
    expect([shell, flag]).toEqual(['sh', '-c']);
    dir = mkdtempSync(join(tmpdir(), 'stagecraft-redis-'));
    writeFileSync(join(dir, 'redis-auth'), 'test-password');
    port = await freePort();
    // Compose turns `$$` into `$`; the container's paths become the temporary directory.
    const script = command
      .replace(/\$\$/g, '$')
      .replace('redis-server', REDIS)
      .replace('--dir /data', `--dir ${dir}`)
      .replace('/run/secrets/redis-auth', join(dir, 'redis-auth'));
    server = spawn('sh', ['-c', `${script} --port ${port} --bind 127.0.0.1 --save ""`], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      try {
        if (cli('ping') === 'PONG') return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('redis-server did not start');
  });

  afterAll(() => {
    if (server?.pid) process.kill(server.pid, 'SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('evicts least-recently-used keys of any kind, within three quarters of its container memory', () => {
    expect(cli('config', 'get', 'maxmemory-policy')).toBe('maxmemory-policy\nallkeys-lru');
    expect(cli('config', 'get', 'maxmemory')).toBe(`maxmemory\n${redisMaxMemoryMiB(512) * 1024 * 1024}`);
  });
});
