/**
 * PgBouncer for real (components.postgres.pooler): Debian's PgBouncer (1.21 or later: trixie's
 * source package, built by .ci/run, where bookworm's is older) runs the generated
 * pgbouncer.ini (sized by sizing/pooler.ts) and the auth_file the pooler's init container writes
 * (its script, with a stand-in `aws` that answers from files), in front of Debian's PostgreSQL on
 * loopback, which demands SCRAM passwords of the service users. The database-users script (as
 * the Job runs it behind a pooler: passwords from files, rds_iam revoked) creates the users; each
 * service then connects through PgBouncer as itself, into its own schema, and a wrong or another
 * service's password is refused. PgBouncer serves its clients over TLS only, with a key and
 * certificate made by the tls init container's own script (Debian's openssl, as in PgBouncer's
 * image): psql with sslmode=require gets in encrypted, a plaintext client (sslmode=disable) is refused.
 * node-postgres's named prepared statements keep working in transaction pooling when a transaction
 * lands on another server connection (`max_prepared_statements`), and fail with the setting at 0.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DEFAULT_POOLER } from '../../../config/pooler';
import { ServiceDefinition } from '../../../config/service-definition';
import { databaseUsersSql } from '../../../services/platform/database-users';
import { pgbouncerIni, POOLER_TLS_NAMES, tlsCertificateScript, userlistScript } from '../../../services/kubernetes/pooler';
import { poolerSizeFor } from '../../../sizing/pooler';
import { postgresBinDir, startPostgres, ThrowawayPostgres } from '../../helpers/postgres';
import { describeRequiring, unless } from '../../helpers/required-tools';

const bin = postgresBinDir();
/** PgBouncer's version as `[major, minor]`, from `pgbouncer --version`. */
const versionOf = (path: string): [number, number] => {
  const match = /PgBouncer (\d+)\.(\d+)/.exec(execFileSync(path, ['--version'], { encoding: 'utf8' }));
  return match ? [Number(match[1]), Number(match[2])] : [0, 0];
};
/**
 * A PgBouncer that knows `max_prepared_statements` (1.21 on; the image runs 1.23): Debian bookworm's
 * is 1.18, so .ci/run builds Debian trixie's source package into /opt/pgbouncer.
 */
const PGBOUNCER = ['/opt/pgbouncer/bin/pgbouncer', '/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((p) => {
  if (!existsSync(p)) return false;
  const [major, minor] = versionOf(p);
  return major > 1 || (major === 1 && minor >= 21);
});
const OPENSSL = existsSync('/usr/bin/openssl');
const describeWithPgBouncer = describeRequiring(
  [
    ...unless(bin !== undefined, 'no PostgreSQL server (apt-get install postgresql)'),
    ...unless(PGBOUNCER !== undefined, "no PgBouncer 1.21 or later (bookworm has 1.18; .ci/run builds Debian trixie's source package into /opt/pgbouncer)"),
    ...unless(OPENSSL, 'no openssl (apt-get install openssl)'),
  ],
  'the pooler (PgBouncer in front of a real PostgreSQL)',
);

const MASTER = 'stagecraft_master';
const USERS = ['api', 'task-worker'];
const PASSWORDS: Record<string, string> = { api: '0f3c9a7e2b5d4c1a8e6f0b3d7c9a2e4f', 'task-worker': '7d2e9b4c1a6f3e8d0c5b2a9f4e7d1c3b' };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const service = (name: string, replicas: number) => ({ name, dataStores: ['database'], scaling: { rule: 'fixed', replicas } }) as unknown as ServiceDefinition;

describeWithPgBouncer('PgBouncer in front of a real PostgreSQL (Debian)', () => {
  let pg: ThrowawayPostgres;
  let bouncer: ChildProcess;
  let unmanaged: ChildProcess;
  let port: number;
  let unmanagedPort: number;
  let dir: string;
  const asRoot = process.getuid?.() === 0;

  /** psql through PgBouncer as `user` with `password`, as the services connect (sslmode=require) unless `conninfo` says otherwise. */
  const through = (user: string, password: string, sql: string, database = 'postgres', conninfo = 'sslmode=require') => {
    try {
      return {
        ok: true,
        out: execFileSync(join(bin!, 'psql'), ['-X', '-q', '-A', '-t', '-c', sql, `host=127.0.0.1 port=${port} user=${user} dbname=${database} ${conninfo}`], {
          encoding: 'utf8',
          stdio: 'pipe',
          env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '5' },
        }).trim(),
      };
    } catch (error) {
      return { ok: false, out: String((error as { stderr?: string }).stderr ?? '') };
    }
  };

  beforeAll(async () => {
    // The master and the superuser keep trust on loopback; the service users must show a SCRAM password.
    pg = await startPostgres(bin!, {
      hba: [
        'local all all trust',
        `host all postgres 127.0.0.1/32 trust`,
        `host all ${MASTER} 127.0.0.1/32 trust`,
        'host all all 127.0.0.1/32 scram-sha-256',
        '',
      ].join('\n'),
    });
    dir = mkdtempSync(join(tmpdir(), 'stagecraft-pgbouncer-'));
    // RDS: the master may create roles and owns the database; api logged in with IAM before the pooler came.
    const setup = pg.psql(
      'postgres',
      [
        'CREATE ROLE rds_iam NOLOGIN;',
        `CREATE ROLE ${MASTER} LOGIN CREATEROLE;`,
        `GRANT rds_iam TO ${MASTER} WITH ADMIN OPTION;`,
        `ALTER DATABASE postgres OWNER TO ${MASTER};`,
        'CREATE ROLE api WITH LOGIN;',
        'GRANT rds_iam TO api;',
      ].join('\n'),
    );
    if (!setup.ok) throw new Error(setup.stderr);
    // The database-users Job's script behind a pooler: each password read from its file.
    const files = Object.fromEntries(USERS.map((u, i) => [u, join(dir, `db-password-${i}`)]));
    for (const u of USERS) writeFileSync(files[u], `${PASSWORDS[u]}\n`);
    const users = pg.psql(MASTER, databaseUsersSql({ users: USERS.map((user) => ({ user })), passwordFiles: files, revokeIam: true }), {
      singleTransaction: true,
    });
    if (!users.ok) throw new Error(users.stderr);

    // The pooler's init container: its script, with `aws` answering from the secrets folder.
    const secrets = join(dir, 'secrets');
    execFileSync('mkdir', ['-p', secrets, join(dir, 'bin')]);
    USERS.forEach((u) => writeFileSync(join(secrets, `arn-${u}`), `${PASSWORDS[u]}\n`));
    writeFileSync(join(dir, 'bin', 'aws'), '#!/bin/sh\nwhile [ $# -gt 0 ]; do [ "$1" = --secret-id ] && id="$2"; shift; done\ncat "$SECRETS_DIR/$id"\n');
    chmodSync(join(dir, 'bin', 'aws'), 0o755);
    const authFile = join(dir, 'userlist.txt');
    execFileSync('/bin/sh', ['-c', userlistScript(USERS.length, authFile)], {
      env: {
        PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
        SECRETS_DIR: secrets,
        ...Object.fromEntries(
          USERS.flatMap((u, i) => [
            [`USER_${i}`, u],
            [`SECRET_ID_${i}`, `arn-${u}`],
          ]),
        ),
      },
    });

    // The tls init container: its script, as the user PgBouncer runs as (the pod's one uid).
    const tlsDir = join(dir, 'tls');
    execFileSync('mkdir', ['-p', tlsDir]);
    if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
    const script = tlsCertificateScript(tlsDir);
    execFileSync(asRoot ? 'runuser' : '/bin/sh', asRoot ? ['-u', 'postgres', '--', '/bin/sh', '-c', script] : ['-c', script], { stdio: 'pipe' });

    // pgbouncer.ini as the pooler's ConfigMap has it, sized for two services, in front of this server.
    port = await freePort();
    const size = poolerSizeFor(DEFAULT_POOLER, [service('api', 4), service('task-worker', 2)], (s) => (s.name === 'api' ? 4 : 2), 'db.r6g.large');
    const at = (alias: string) => ({ alias, host: '127.0.0.1', port: pg.port, dbname: 'postgres' });
    const ini = join(dir, 'pgbouncer.ini');
    writeFileSync(
      ini,
      pgbouncerIni(size, [at('postgres'), at('postgres_replica_0')], { listenAddr: '127.0.0.1', port, authFile, serverTls: 'disable', tlsDir }),
    );
    if (asRoot) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      for (const f of [dir, ini, authFile]) chownSync(f, uid, uid);
    }
    bouncer = (await startBouncer(ini)).process;
    // The same configuration with 1.21–1.23's default: prepared statements passed through unmanaged.
    unmanagedPort = await freePort();
    const unmanagedIni = join(dir, 'pgbouncer-unmanaged.ini');
    writeFileSync(
      unmanagedIni,
      readFileSync(ini, 'utf8')
        .replace(`listen_port = ${port}`, `listen_port = ${unmanagedPort}`)
        .replace(/^max_prepared_statements = .*$/m, 'max_prepared_statements = 0'),
    );
    if (asRoot) chownSync(unmanagedIni, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()), -1);
    unmanaged = (await startBouncer(unmanagedIni)).process;
  }, 60_000);

  /** Starts PgBouncer on `ini` (as postgres when root) and waits until it listens. */
  async function startBouncer(ini: string): Promise<{ process: ChildProcess }> {
    let output = '';
    const child = asRoot ? spawn('runuser', ['-u', 'postgres', '--', PGBOUNCER!, ini]) : spawn(PGBOUNCER!, [ini]);
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    for (let i = 0; i < 50 && !/process up|listening on/.test(output); i++) await new Promise((r) => setTimeout(r, 100));
    if (!/process up|listening on/.test(output)) throw new Error(`PgBouncer did not start on ${ini}:\n${output}`);
    return { process: child };
  }

  afterAll(() => {
    unmanaged?.kill('SIGTERM');
    bouncer?.kill('SIGTERM');
    pg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes the auth_file of every service, quoted, from its secret', () => {
    expect(readFileSync(join(dir, 'userlist.txt'), 'utf8')).toBe(`"api" "${PASSWORDS.api}"\n"task-worker" "${PASSWORDS['task-worker']}"\n`);
  });

  it('lets each service in as itself, into its own schema, on the writer and the replica names', () => {
    expect(through('api', PASSWORDS.api, "SELECT current_user || ',' || current_schema()")).toEqual({ ok: true, out: 'api,api' });
    expect(through('task-worker', PASSWORDS['task-worker'], "SELECT current_user || ',' || current_schema()")).toEqual({
      ok: true,
      out: 'task-worker,task-worker',
    });
    expect(through('api', PASSWORDS.api, 'SELECT current_user', 'postgres_replica_0')).toEqual({ ok: true, out: 'api' });
    // Its own schema only: the other service's is closed to it.
    expect(through('api', PASSWORDS.api, 'CREATE TABLE api.notes (id int); SELECT 1').ok).toBe(true);
    expect(through('task-worker', PASSWORDS['task-worker'], 'SELECT * FROM api.notes').ok).toBe(false);
  });

  it("refuses a wrong password and another service's password", () => {
    expect(through('api', 'not-the-password', 'SELECT 1').ok).toBe(false);
    expect(through('api', PASSWORDS['task-worker'], 'SELECT 1').ok).toBe(false);
  });

  it('serves the services over TLS (sslmode=require) and refuses a plaintext client', () => {
    const info = through('api', PASSWORDS.api, '\\conninfo');
    expect(info.ok).toBe(true);
    expect(info.out).toMatch(/SSL connection \(protocol: TLSv1\.[23]/);
    const plain = through('api', PASSWORDS.api, 'SELECT 1', 'postgres', 'sslmode=disable');
    expect(plain.ok).toBe(false);
    expect(plain.out).toContain('SSL required');
  });

  it("presents a private key of the pod's own, and a certificate for the Service's names that a client given it could verify", () => {
    const tls = join(dir, 'tls');
    expect(statSync(join(tls, 'tls.key')).mode & 0o077).toBe(0);
    // verify-full against the certificate itself: the name checked is the Service's, the address loopback (later keys win in a conninfo).
    const pinned = (name: string) => `host=${name} hostaddr=127.0.0.1 sslmode=verify-full sslrootcert=${join(tls, 'tls.crt')}`;
    for (const name of POOLER_TLS_NAMES) expect(through('api', PASSWORDS.api, 'SELECT 1', 'postgres', pinned(name))).toEqual({ ok: true, out: '1' });
    // Another name is refused: a client that pins the certificate checks who it talks to.
    const other = through('api', PASSWORDS.api, 'SELECT 1', 'postgres', pinned('db.example.com'));
    expect(other.ok).toBe(false);
    expect(other.out).toMatch(/does not match host name|server certificate/);
  });

  it('took rds_iam from a user that had it, so RDS accepts its password', () => {
    expect(pg.psql('postgres', "SELECT pg_has_role('api', 'rds_iam', 'MEMBER')").stdout).toBe('f');
  });

  /**
   * node-postgres as a service uses it: a named query is parsed once per connection (Parse) and then
   * only bound (Bind/Execute). Its second run is made to land on another server connection: other
   * clients hold the first one in open transactions (transaction pooling hands a server connection
   * to whichever client has a transaction).
   */
  async function preparedTwiceAcrossServerConnections(at: number): Promise<{ pids: number[]; error?: string }> {
    const connect = async () => {
      const client = new Client({
        host: '127.0.0.1',
        port: at,
        user: 'api',
        password: PASSWORDS.api,
        database: 'postgres',
        ssl: { rejectUnauthorized: false },
      });
      await client.connect();
      return client;
    };
    const statement = { name: 'backend', text: 'SELECT pg_backend_pid() AS pid, current_user AS who' };
    const service = await connect();
    const holders: Client[] = [];
    try {
      const first = await service.query<{ pid: number; who: string }>(statement);
      expect(first.rows[0].who).toBe('api');
      // Hold the server connection the statement was prepared on (and any other handed out first) in open transactions.
      for (let i = 0; i < 8; i++) {
        const holder = await connect();
        holders.push(holder);
        await holder.query('BEGIN');
        const { rows } = await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        if (rows[0].pid === first.rows[0].pid) break;
      }
      try {
        const second = await service.query<{ pid: number; who: string }>(statement);
        return { pids: [first.rows[0].pid, second.rows[0].pid] };
      } catch (error) {
        return { pids: [first.rows[0].pid], error: String((error as Error).message) };
      }
    } finally {
      for (const holder of holders) await holder.end();
      await service.end();
    }
  }

  it('keeps protocol-level named prepared statements working in transaction pooling, on whichever server connection a transaction gets', async () => {
    expect(readFileSync(join(dir, 'pgbouncer.ini'), 'utf8')).toMatch(/^max_prepared_statements = [1-9]\d*$/m);
    const managed = await preparedTwiceAcrossServerConnections(port);
    expect(managed.error).toBeUndefined();
    expect(managed.pids).toHaveLength(2);
    expect(managed.pids[1]).not.toBe(managed.pids[0]); // it ran on another server connection, where PgBouncer prepared it again
    // With 1.21–1.23's default (0), the same driver fails there: what Postgrex, pgx or JDBC would meet.
    const passedThrough = await preparedTwiceAcrossServerConnections(unmanagedPort);
    expect(passedThrough.error).toMatch(/prepared statement "backend" does not exist/);
  }, 60_000);

  it("keeps its server connections to PostgreSQL as the service's own user, in transaction mode", () => {
    const ini = readFileSync(join(dir, 'pgbouncer.ini'), 'utf8');
    expect(ini).toContain('pool_mode = transaction');
    const shown = pg.psql('postgres', "SELECT count(*) > 0 FROM pg_stat_activity WHERE usename = 'api'");
    expect(shown.stdout).toBe('t');
  });
});
