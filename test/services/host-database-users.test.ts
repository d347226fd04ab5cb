/**
 * The services' own database users on single-host stages, for real: the traction host's one-shot
 * `database-users` compose service (read back from the synthesized cloud-init) runs its own shell
 * script against Debian's PostgreSQL on loopback, as a master user with RDS's powers, reading the
 * RDS-managed master secret and each service's password from files; then each service's user has
 * exactly its password (SCRAM verifier checked), no power beyond LOGIN, and its own schema only.
 * And no service on launch or traction is handed the master password any more.
 */
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { synthesizeExamples } from '../helpers/examples';
import { hostFile } from '../helpers/host-user-data';
import { HOST_CONFIG_DIR } from '../../services/compose';
import { postgresBinDir, startPostgres, ThrowawayPostgres } from '../helpers/postgres';
import { sqlIdentifier, sqlLiteral } from '../../services/platform/database-users';
import { DATABASE_USERS_SERVICE, hostDatabasePasswordFile } from '../../services/host-database-users';
import { describeRequiring, unless } from '../helpers/required-tools';

interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
  /** A file name, or a secret mounted under another name (application secrets). */
  secrets?: Array<string | { source: string; target: string }>;
  depends_on?: Record<string, { condition: string }>;
}

/** The compose document of a host stage's release (the file the hosts apply). */
function composeOf(stack: string): { services: Record<string, ComposeService> } {
  return parse(hostFile(synthesizeExamples(), stack, `${HOST_CONFIG_DIR}/compose.yaml`));
}

/** Compose's `$$` is a literal `$`. */
const uncompose = (text: string) => text.replace(/\$\$/g, '$');

/** Whether a PostgreSQL SCRAM-SHA-256 verifier was made from `password`. */
function scramMatches(verifier: string, password: string): boolean {
  const match = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier);
  if (!match) return false;
  const salted = pbkdf2Sync(password, Buffer.from(match[2], 'base64'), Number(match[1]), 32, 'sha256');
  const stored = createHash('sha256').update(createHmac('sha256', salted).update('Client Key').digest()).digest('base64');
  return stored === match[3];
}

describe('host stages hand no service the master password', () => {
  it.each(['acme-launch-us-east-1', 'acme-traction-eu-west-1'])('%s: every database client logs in as itself, after the users service', (stack) => {
    const { services } = composeOf(stack);
    const users = services[DATABASE_USERS_SERVICE];
    expect(users).toBeDefined();
    const clients = Object.entries(services).filter(([, s]) => s.environment?.DATABASE_HOST !== undefined && s !== users);
    expect(clients.length).toBeGreaterThan(1);
    for (const [name, service] of clients) {
      expect(service.environment).not.toHaveProperty('DATABASE_SECRET_FILE');
      expect(service.environment?.DATABASE_USER).toBe(name);
      expect(service.environment?.DATABASE_PASSWORD_SECRET_FILE).toBe(`/run/secrets/${hostDatabasePasswordFile(name)}`);
      expect(service.secrets).toEqual(expect.arrayContaining([hostDatabasePasswordFile(name)]));
      expect(service.secrets?.some((s) => typeof s === 'string' && s.startsWith('database-') && s !== hostDatabasePasswordFile(name))).toBe(false);
      expect(service.depends_on?.[DATABASE_USERS_SERVICE]).toEqual({ condition: 'service_completed_successfully' });
    }
  });
});

const bin = postgresBinDir();
const describeWithPostgres = describeRequiring(
  unless(bin !== undefined, 'no PostgreSQL server (apt-get install postgresql)'),
  "the hosts' database-users service against a real PostgreSQL",
);
const MASTER = 'stagecraft_master';

/** The traction host's database-users service as a shell command and environment, against `pg` with its files under `dir`. */
function usersService(pg: ThrowawayPostgres, dir: string): { script: string; env: NodeJS.ProcessEnv } {
  const { services } = composeOf('acme-traction-eu-west-1');
  const service = services[DATABASE_USERS_SERVICE];
  const env = Object.fromEntries(Object.entries(service.environment!).map(([k, v]) => [k, uncompose(v)]));
  const script = uncompose(service.command![2]).replace('sslmode=require', 'sslmode=disable');
  return {
    script: script.replace(/\/run\/secrets\//g, `${dir}/secrets/`),
    env: {
      ...process.env,
      ...env,
      DATABASE_USERS_SQL: env.DATABASE_USERS_SQL.replace(/\/run\/secrets\//g, `${dir}/secrets/`),
      DATABASE_HOST: '127.0.0.1',
      DATABASE_PORT: String(pg.port),
      PATH: `${bin}:${process.env.PATH}`,
    },
  };
}

/** A server with RDS's master user, and the files the host fetched: RDS's managed secret (JSON) and each service's generated hex password. */
async function tractionServer(): Promise<{ pg: ThrowawayPostgres; dir: string; users: string[]; passwords: Map<string, string> }> {
  const { services } = composeOf('acme-traction-eu-west-1');
  const users = Object.entries(services)
    .filter(([, s]) => s.environment?.DATABASE_USER !== undefined)
    .map(([name]) => name);
  const pg = await startPostgres(bin!);
  pg.psql('postgres', `CREATE ROLE ${MASTER} LOGIN CREATEROLE; ALTER DATABASE postgres OWNER TO ${MASTER};`);
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-host-users-'));
  mkdirSync(join(dir, 'secrets'));
  writeFileSync(join(dir, 'secrets', 'database-master'), `{"username":"${MASTER}","password":"pa\\\\ss-Word_1"}\n`);
  const passwords = new Map<string, string>();
  users.forEach((user, i) => {
    const password = createHash('sha256').update(`${user}-${i}`).digest('hex').slice(0, 32);
    passwords.set(user, password);
    writeFileSync(join(dir, 'secrets', hostDatabasePasswordFile(user)), `${password}\n`);
  });
  return { pg, dir, users, passwords };
}

describeWithPostgres("traction's database-users compose service, run by sh against a real PostgreSQL (Debian)", () => {
  let pg: ThrowawayPostgres;
  let dir: string;
  let users: string[];
  let passwords: Map<string, string>;

  beforeAll(async () => {
    ({ pg, dir, users, passwords } = await tractionServer());
    const { script, env } = usersService(pg, dir);
    const run = () => execFileSync('sh', ['-c', script], { encoding: 'utf8', env });
    expect(run()).toContain('database users applied');
    // Idempotent: a restart of the host runs it again.
    expect(run()).toContain('database users applied');
  }, 60_000);

  afterAll(() => {
    pg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gives each service a user with exactly its own password and no power beyond LOGIN', () => {
    expect(users.length).toBeGreaterThan(1);
    for (const user of users) {
      const row = pg.psql('postgres', `SELECT rolsuper, rolcreaterole, rolcreatedb, rolpassword FROM pg_authid WHERE rolname = ${sqlLiteral(user)}`).stdout;
      const [superuser, createrole, createdb, verifier] = row.split('|');
      expect([superuser, createrole, createdb]).toEqual(['f', 'f', 'f']);
      expect(scramMatches(verifier, passwords.get(user)!)).toBe(true);
      expect(scramMatches(verifier, 'pa\\ss-Word_1')).toBe(false);
    }
  });

  it("lets each service use its own schema and denies it another's", () => {
    const [first, second] = users;
    for (const user of [first, second]) {
      const result = pg.psql(user, `CREATE TABLE ${sqlIdentifier(user)}.notes (x int); INSERT INTO ${sqlIdentifier(user)}.notes VALUES (1);`);
      expect(result).toMatchObject({ ok: true });
    }
    const denied = pg.psql(first, `SELECT * FROM ${sqlIdentifier(second)}.notes`, { singleTransaction: false });
    expect(denied.ok).toBe(false);
    expect(denied.stderr).toMatch(/permission denied/);
  });
});

/** Runs `script` with sh; resolves with its exit code and output (never rejects). */
function runAsync(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', script], { env });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

describeWithPostgres("traction's two hosts run database-users at the same first boot (a real PostgreSQL)", () => {
  let server: Awaited<ReturnType<typeof tractionServer>>;

  beforeAll(async () => {
    server = await tractionServer();
  }, 60_000);

  afterAll(() => {
    server?.pg.stop();
    if (server?.dir) rmSync(server.dir, { recursive: true, force: true });
  });

  it('both succeed, one after the other, on a server where no user exists yet', async () => {
    const { script, env } = usersService(server.pg, server.dir);
    const results = await Promise.all([runAsync(script, env), runAsync(script, env)]);
    // Without the lock the second fails: "tuple concurrently updated" (or a duplicate role) on the catalogs both update.
    expect(results.map((r) => [r.code, r.output.trim().split('\n').pop()])).toEqual([
      [0, 'database users applied'],
      [0, 'database users applied'],
    ]);
    const roles = server.pg.psql('postgres', `SELECT count(*) FROM pg_roles WHERE rolname IN (${server.users.map(sqlLiteral).join(', ')})`).stdout;
    expect(Number(roles)).toBe(server.users.length);
  });

  it('refuses to run with the master secret emptied after the last start, naming how to start it', () => {
    const { script, env } = usersService(server.pg, server.dir);
    const master = join(server.dir, 'secrets', 'database-master');
    const value = readFileSync(master, 'utf8');
    writeFileSync(master, '');
    const result = spawnSync('sh', ['-c', script], { env, encoding: 'utf8' });
    writeFileSync(master, value);
    expect([result.status, result.stderr.trim()]).toEqual([
      1,
      `database-users: ${master} is empty: the master secret is fetched right before each start by stagecraft-release (run: sudo stagecraft-release start)`,
    ]);
  });
});
