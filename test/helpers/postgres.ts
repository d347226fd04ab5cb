/**
 * A throwaway PostgreSQL cluster from Debian's server packages on loopback, for tests that must
 * run SQL on a real server: initdb and pg_ctl in a temporary directory, run as the unprivileged
 * `postgres` user (through runuser when the test runs as root). Logins are trusted on loopback,
 * which stands in for RDS's IAM tokens: the tests check what each user may do once in, not how
 * it proved who it is. initdb runs once per PostgreSQL build (most of a cluster's start-up CPU):
 * each cluster starts from a copy of that data directory, kept beside the shared synthesis cache.
 */
import { execFileSync, ExecFileSyncOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PG_ROOT = '/usr/lib/postgresql';
const INITDB_ARGS = ['-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C'];

/** The newest Debian PostgreSQL server's bin directory, or undefined when none is installed. */
export function postgresBinDir(): string | undefined {
  if (process.env.STAGECRAFT_PG_BIN) return process.env.STAGECRAFT_PG_BIN;
  if (!existsSync(PG_ROOT)) return undefined;
  const versions = readdirSync(PG_ROOT)
    .filter((v) => existsSync(join(PG_ROOT, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(PG_ROOT, versions[0], 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Result of one psql run. */
export interface PsqlResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ThrowawayPostgres {
  readonly port: number;
  /** Runs `sql` with psql as `user` (ON_ERROR_STOP, one transaction); never throws. */
  psql(user: string, sql: string, options?: { database?: string; singleTransaction?: boolean }): PsqlResult;
  stop(): void;
}

/** Runs `command` (a path) as the `postgres` user when the test runs as root. */
function runAsPostgres(command: string, args: string[], options: ExecFileSyncOptions = {}): Buffer | string {
  return process.getuid?.() === 0
    ? execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe', ...options })
    : execFileSync(command, args, { stdio: 'pipe', ...options });
}

/** Gives `dir` to the `postgres` user when the test runs as root. */
function ownedByPostgres(dir: string): string {
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  return dir;
}

/**
 * A data directory as initdb makes it, for this PostgreSQL build: made by the first cluster of a
 * run (or an earlier run) and renamed into place whole, so a concurrent reader sees all of it or
 * nothing; two workers that both miss each make one, and one is kept.
 */
function templateDataDirectory(bin: string): string {
  const cacheRoot = process.env.STAGECRAFT_TEST_CACHE_DIR ?? join(__dirname, '..', '..', 'node_modules', '.cache', 'stagecraft-tests');
  const build = createHash('sha256')
    .update(`${bin}\0${statSync(join(bin, 'postgres')).mtimeMs}\0${INITDB_ARGS.join(' ')}`)
    .digest('hex')
    .slice(0, 20);
  const entry = join(cacheRoot, `postgres-data-${build}`);
  if (existsSync(join(entry, 'data', 'PG_VERSION'))) {
    // Used now: the synthesis cache prunes entries unused for an hour.
    utimesSync(entry, new Date(), new Date());
    return join(entry, 'data');
  }
  mkdirSync(cacheRoot, { recursive: true });
  const staging = ownedByPostgres(mkdtempSync(join(cacheRoot, '.postgres-data-')));
  runAsPostgres(join(bin, 'initdb'), ['-D', join(staging, 'data'), ...INITDB_ARGS]);
  try {
    renameSync(staging, entry);
  } catch {
    // Another worker's copy is in place; it is the same.
    rmSync(staging, { recursive: true, force: true });
  }
  return join(entry, 'data');
}

/** Starts a cluster; stop() removes it. */
export async function startPostgres(bin: string, options: { hba?: string } = {}): Promise<ThrowawayPostgres> {
  const dir = ownedByPostgres(mkdtempSync(join(tmpdir(), 'stagecraft-pg-')));
  const data = join(dir, 'data');
  const run = (command: string, args: string[], options: ExecFileSyncOptions = {}) => runAsPostgres(join(bin, command), args, options);
  runAsPostgres('cp', ['-a', templateDataDirectory(bin), data]);
  // A test that needs password logins (PgBouncer's) replaces the trust-everything pg_hba.conf.
  if (options.hba !== undefined) writeFileSync(join(data, 'pg_hba.conf'), options.hba);
  const port = await freePort();
  run('pg_ctl', ['-D', data, '-w', '-l', join(dir, 'log'), '-o', `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir}`, 'start']);
  return {
    port,
    psql(user, sql, options = {}) {
      const args = ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', options.database ?? 'postgres'];
      if (options.singleTransaction ?? true) args.push('--single-transaction');
      try {
        const stdout = execFileSync(join(bin, 'psql'), args, { input: sql, encoding: 'utf8', stdio: 'pipe' });
        return { ok: true, stdout: stdout.trim(), stderr: '' };
      } catch (error) {
        const e = error as { stdout?: string; stderr?: string };
        return { ok: false, stdout: String(e.stdout ?? '').trim(), stderr: String(e.stderr ?? '').trim() };
      }
    },
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-w', '-m', 'fast', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
