/**
 * The per-service PostgreSQL users, for real: the script the growth stage's `database-users` Job
 * runs (read back from the synthesized apps stack) is applied to Debian's PostgreSQL on loopback
 * as a master user with RDS's powers (CREATEROLE, owner of the database, not a superuser), twice,
 * and then each service connects as its own user and is shown what it can and cannot do.
 */
import { databaseUsersSql, sqlIdentifier, sqlLiteral } from '../../../services/platform/database-users';
import { databaseUserName } from '../../../config/database-user';
import { DATABASE_USERS_JOB, DATABASE_USERS_SQL_ENV } from '../../../services/platform/operations-jobs';
import { manifestsOf } from '../../../synthesis/kubernetes-objects';
import { stackViews } from '../../../synthesis/stack-views';
import { fromTerraformLiteral } from '../../../synthesis/terraform-literal';
import { synthesizeExamples } from '../../helpers/examples';
import { postgresBinDir, startPostgres, ThrowawayPostgres } from '../../helpers/postgres';
import { readSynthesis } from '../../../synthesis/read';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeRequiring, unless } from '../../helpers/required-tools';

const bin = postgresBinDir();
const describeWithPostgres = describeRequiring(
  unless(bin !== undefined, 'no PostgreSQL server (apt-get install postgresql)'),
  "the database-users Job's script against a real PostgreSQL",
);

const MASTER = 'stagecraft_master';

interface Container {
  name: string;
  command: string[];
  env: Array<{ name: string; value: string }>;
}

/** The SQL, the users (and their services, whose schemas they use) and the two containers (secret reader, psql) of the growth stage's database-users Job, as synthesized. */
function synthesizedJob(): { sql: string; users: string[]; services: string[]; fetch: Container; apply: Container } {
  const examples = synthesizeExamples();
  const views = stackViews(readSynthesis(examples.outdir, { command: 'test', flag: '--from', given: examples.outdir }));
  const apps = views.find((v) => v.name === 'acme-growth-us-east-1-apps');
  const job = manifestsOf(apps, 'Job').find((m) => m.name.startsWith(`${DATABASE_USERS_JOB}-`));
  if (!job) throw new Error('acme-growth-us-east-1-apps has no database-users Job');
  const pod = (job.manifest as { spec: { template: { spec: { containers: Container[]; initContainers: Container[] } } } }).spec.template.spec;
  const containers = pod.containers;
  const env = containers.flatMap((c) => c.env);
  const sql = env.find((e) => e.name === DATABASE_USERS_SQL_ENV)?.value;
  if (sql === undefined) throw new Error(`the Job has no ${DATABASE_USERS_SQL_ENV}`);
  const services = examples.environments
    .find((e) => e.name === 'acme-growth')!
    .services.filter((s) => s.dataStores.includes('database'))
    .map((s) => s.name);
  const users = services.map((service) => databaseUserName('acme-growth', service));
  return { sql: fromTerraformLiteral(sql), users, services, fetch: pod.initContainers[0], apply: containers[0] };
}

/** RDS: the master user may create roles and owns the database, but is no superuser; rds_iam exists. */
const RDS_LIKE = [
  'CREATE ROLE rds_iam NOLOGIN;',
  `CREATE ROLE ${MASTER} LOGIN CREATEROLE;`,
  `GRANT rds_iam TO ${MASTER} WITH ADMIN OPTION;`,
  `ALTER DATABASE postgres OWNER TO ${MASTER};`,
].join('\n');

describeWithPostgres('per-service PostgreSQL users on a real PostgreSQL (Debian)', () => {
  let pg: ThrowawayPostgres;
  let job: ReturnType<typeof synthesizedJob>;
  const as = (user: string, sql: string) => pg.psql(user, sql);
  const must = (user: string, sql: string) => {
    const result = as(user, sql);
    if (!result.ok) throw new Error(`${user}: ${sql}\n${result.stderr}`);
    return result.stdout;
  };

  beforeAll(async () => {
    job = synthesizedJob();
    pg = await startPostgres(bin!);
    must('postgres', RDS_LIKE);
  }, 60_000);

  afterAll(() => pg?.stop());

  it("is the script for every service of the stage that declares the database: each its environment's own user, in a schema named after the service", () => {
    expect(job.users.length).toBeGreaterThan(1);
    expect(job.users).toContain('acme_growth__api');
    expect(job.sql).toBe(databaseUsersSql({ users: job.users.map((user, i) => ({ user, schema: job.services[i], formerUser: job.services[i] })) }));
  });

  it('applies as the non-superuser master, and again without a change (idempotent)', () => {
    expect(as(MASTER, job.sql)).toMatchObject({ ok: true });
    const roles = () =>
      must(
        'postgres',
        "SELECT string_agg(rolname || ':' || rolsuper || rolcreaterole || rolcreatedb, ',' ORDER BY rolname) FROM pg_roles WHERE rolname !~ '^pg_'",
      );
    const before = roles();
    expect(as(MASTER, job.sql)).toMatchObject({ ok: true });
    expect(roles()).toBe(before);
    // A new deployment has no user named after the bare service, and the script makes none.
    for (const service of job.services) expect(must('postgres', `SELECT count(*) FROM pg_roles WHERE rolname = ${sqlLiteral(service)}`)).toBe('0');
  });

  it('gives every service a login that is no superuser and may log in through IAM', () => {
    for (const user of job.users) {
      // The name needs no quotes: unquoted, it names the same role.
      expect(must(user, `SET ROLE ${user}; SELECT current_user`)).toBe(user);
      expect(must(user, 'SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = current_user')).toBe(
        'f|f|f|f|f',
      );
      expect(must(user, "SELECT pg_has_role(current_user, 'rds_iam', 'MEMBER')")).toBe('t');
    }
    job.users.forEach((user, i) => expect(must(user, 'SHOW search_path')).toBe(sqlIdentifier(job.services[i]).replace(/^"([a-z_][a-z0-9_]*)"$/, '$1')));
  });

  it('lets each service create and use tables in its own schema', () => {
    for (const [i, user] of job.users.entries()) {
      const table = `${sqlIdentifier(job.services[i])}.notes`;
      must(
        user,
        `CREATE TABLE IF NOT EXISTS ${table} (id int PRIMARY KEY, body text); INSERT INTO ${table} VALUES (1, ${sqlLiteral(user)}) ON CONFLICT DO NOTHING;`,
      );
      expect(must(user, `SELECT body FROM ${table}`)).toBe(user);
      // Unqualified names land in its schema (search_path).
      must(user, 'CREATE TABLE IF NOT EXISTS scratch (x int); DROP TABLE scratch;');
    }
  });

  it("denies every service another service's schema, the public schema, roles and databases", () => {
    const [first, second] = job.users;
    const [firstSchema, secondSchema] = job.services.map(sqlIdentifier);
    const denied = (user: string, sql: string) => {
      const result = pg.psql(user, sql, { singleTransaction: false });
      expect(result.ok).toBe(false);
      expect(result.stderr).toMatch(/permission denied|must be superuser|must have admin option/);
    };
    denied(first, `SELECT * FROM ${secondSchema}.notes`);
    denied(second, `SELECT * FROM ${firstSchema}.notes`);
    denied(first, `CREATE TABLE ${secondSchema}.planted (x int)`);
    denied(first, 'CREATE TABLE public.planted (x int)');
    denied(first, 'CREATE ROLE intruder LOGIN');
    denied(first, 'CREATE DATABASE other');
    denied(first, `GRANT rds_iam TO ${sqlIdentifier(second)}`);
    denied(first, `ALTER ROLE ${sqlIdentifier(first)} SUPERUSER`);
  });

  it('keeps a hostile service name as data: quotes and a statement in the name make one more user, nothing else', () => {
    const hostile = `o'brien"; DROP SCHEMA "${job.services[0]}" CASCADE; --\\`;
    // The longest environment and service names: a user cut to 63 bytes with a hash, which PostgreSQL takes unquoted.
    const long = databaseUserName(`a${'b'.repeat(22)}c`, `s${'x'.repeat(39)}`);
    const sql = databaseUsersSql({
      users: [...job.users.map((user, i) => ({ user, schema: job.services[i] })), { user: hostile }, { user: long, schema: 'long' }],
    });
    expect(as(MASTER, sql)).toMatchObject({ ok: true });
    expect(must('postgres', `SELECT count(*) FROM pg_roles WHERE rolname = ${sqlLiteral(hostile)}`)).toBe('1');
    expect(must(job.users[0], `SELECT body FROM ${sqlIdentifier(job.services[0])}.notes`)).toBe(job.users[0]);
    expect(must(hostile, `SELECT current_user = ${sqlLiteral(hostile)}, (SELECT count(*) FROM pg_namespace WHERE nspname = ${sqlLiteral(hostile)})`)).toBe(
      't|1',
    );
    expect(must(long, `SET ROLE ${long}; SELECT current_user`)).toBe(long);
  });

  it('refuses to hand a service a role that already has more than LOGIN', () => {
    must('postgres', 'CREATE ROLE "elevated" LOGIN SUPERUSER');
    const result = as(MASTER, databaseUsersSql({ users: [{ user: 'elevated' }] }));
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain('role elevated exists with more than LOGIN');
  });
});

// Issue 14, item 4: cluster stages' users became `<environment>__<service>`; a deployment made
// before logged in as `<service>`, which owns the tables in the service's schema.
describeWithPostgres('upgrading a deployment whose services logged in as the bare service name', () => {
  let pg: ThrowawayPostgres;
  let job: ReturnType<typeof synthesizedJob>;
  let dir: string;
  const must = (user: string, sql: string) => {
    const result = pg.psql(user, sql);
    if (!result.ok) throw new Error(`${user}: ${sql}\n${result.stderr}`);
    return result.stdout;
  };
  const member = (user: string, role: string) => must('postgres', `SELECT pg_has_role(${sqlLiteral(user)}, ${sqlLiteral(role)}, 'MEMBER')`);

  beforeAll(async () => {
    job = synthesizedJob();
    pg = await startPostgres(bin!);
    must('postgres', RDS_LIKE);
    // The script of the version before: each service's user its bare name; then each made a table as it.
    must(MASTER, databaseUsersSql({ users: job.services.map((user) => ({ user })) }));
    for (const service of job.services)
      must(service, `CREATE TABLE orders (id int PRIMARY KEY, body text); INSERT INTO orders VALUES (1, ${sqlLiteral(service)});`);
    dir = mkdtempSync(join(tmpdir(), 'stagecraft-users-upgrade-'));
  }, 60_000);

  afterAll(() => {
    pg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('applies the new script over the old users, and a second run changes nothing', () => {
    const state = () =>
      must(
        'postgres',
        [
          "SELECT (SELECT string_agg(rolname || ':' || rolsuper || rolcreaterole || rolcanlogin, ',' ORDER BY rolname) FROM pg_roles WHERE rolname !~ '^pg_')",
          "  || ' ' || (SELECT string_agg(g.rolname || '>' || u.rolname, ',' ORDER BY g.rolname, u.rolname) FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member)",
          "  || ' ' || (SELECT string_agg(schemaname || '.' || tablename || ':' || tableowner, ',' ORDER BY schemaname) FROM pg_tables WHERE tablename = 'orders')",
        ].join('\n'),
      );
    expect(pg.psql(MASTER, job.sql)).toMatchObject({ ok: true });
    const converged = state();
    expect(pg.psql(MASTER, job.sql)).toMatchObject({ ok: true });
    expect(state()).toBe(converged);
  });

  it("makes each new user a member of its own service's former user, and of no other service's", () => {
    job.users.forEach((user, i) => {
      expect(user).not.toBe(job.services[i]);
      job.services.forEach((service, j) => expect({ user, service, member: member(user, service) }).toEqual({ user, service, member: i === j ? 't' : 'f' }));
    });
  });

  it('lets the new user read, write and alter the table its former user created and still owns', () => {
    job.users.forEach((user, i) => {
      const service = job.services[i];
      // Unqualified: its search_path is still the service's schema.
      expect(must(user, 'SELECT body FROM orders WHERE id = 1')).toBe(service);
      must(user, "INSERT INTO orders VALUES (2, 'after the upgrade'); ALTER TABLE orders ADD COLUMN note text; CREATE INDEX orders_body ON orders (body);");
      expect(must(user, 'SELECT count(*) FROM orders')).toBe('2');
      expect(must('postgres', `SELECT tableowner FROM pg_tables WHERE schemaname = ${sqlLiteral(service)} AND tablename = 'orders'`)).toBe(service);
    });
  });

  it("denies the new user another service's former tables", () => {
    const result = pg.psql(job.users[0], `SELECT * FROM ${sqlIdentifier(job.services[1])}.orders`, { singleTransaction: false });
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain('permission denied');
  });

  it('behind PgBouncer (password logins) takes rds_iam from the former user too, so the new one holds it through neither', () => {
    expect(member(job.users[0], 'rds_iam')).toBe('t');
    const passwordFiles = Object.fromEntries(job.users.map((user, i) => [user, join(dir, `password-${i}`)]));
    for (const file of Object.values(passwordFiles)) writeFileSync(file, 'pa$$word-1\n');
    const users = job.users.map((user, i) => ({ user, schema: job.services[i], formerUser: job.services[i] }));
    const sql = databaseUsersSql({ users, passwordFiles, revokeIam: true });
    expect(pg.psql(MASTER, sql)).toMatchObject({ ok: true });
    expect(pg.psql(MASTER, sql)).toMatchObject({ ok: true });
    for (const [i, user] of job.users.entries()) {
      expect({ user, iam: member(user, 'rds_iam'), former: member(user, job.services[i]) }).toEqual({ user, iam: 'f', former: 't' });
      expect(must(user, 'SELECT count(*) FROM orders')).toBe('2');
    }
  });

  it('refuses to make a new user a member of a former role with more than LOGIN, or in another role', () => {
    must('postgres', 'CREATE ROLE "mighty" LOGIN CREATEROLE; CREATE ROLE "joined" LOGIN; GRANT pg_read_all_data TO "joined";');
    const elevated = pg.psql(MASTER, databaseUsersSql({ users: [{ user: 'acme_growth__mighty', schema: 'mighty', formerUser: 'mighty' }] }));
    expect(elevated.ok).toBe(false);
    expect(elevated.stderr).toContain(
      'role mighty exists with more than LOGIN (superuser, createdb, createrole, replication or bypassrls); refusing to make acme_growth__mighty a member of it',
    );
    const joined = pg.psql(MASTER, databaseUsersSql({ users: [{ user: 'acme_growth__joined', schema: 'joined', formerUser: 'joined' }] }));
    expect(joined.ok).toBe(false);
    expect(joined.stderr).toContain('role joined is a member of roles other than rds_iam; refusing to make acme_growth__joined a member of it');
    // Nothing of either run stayed (one transaction).
    expect(must('postgres', "SELECT count(*) FROM pg_roles WHERE rolname IN ('acme_growth__mighty', 'acme_growth__joined')")).toBe('0');
  });
});

describeWithPostgres("the database-users Job's own scripts, run by sh against the real server", () => {
  let pg: ThrowawayPostgres;
  let job: ReturnType<typeof synthesizedJob>;
  let dir: string;

  beforeAll(async () => {
    job = synthesizedJob();
    pg = await startPostgres(bin!);
    pg.psql('postgres', RDS_LIKE);
    dir = mkdtempSync(join(tmpdir(), 'stagecraft-users-job-'));
    mkdirSync(join(dir, 'secrets'));
    mkdirSync(join(dir, 'bin'));
    // A stand-in for the AWS CLI: prints the RDS-managed secret's JSON, with a backslash and a quote-free password as RDS makes them.
    writeFileSync(join(dir, 'bin', 'aws'), `#!/bin/sh\nprintf '%s' '{"username":"${MASTER}","password":"pa\\\\ss-Word_1"}'\n`, { mode: 0o755 });
  }, 60_000);

  afterAll(() => {
    pg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const run = (container: Container, env: Record<string, string>) => {
    const [shell, flag, script] = container.command;
    // The pod's paths become the temporary directory's; the test server has no TLS, so sslmode=require becomes disable.
    const local = fromTerraformLiteral(script)
      .replace(/\/secrets\//g, `${dir}/secrets/`)
      .replace('sslmode=require', 'sslmode=disable');
    const vars = Object.fromEntries(container.env.map((e) => [e.name, fromTerraformLiteral(e.value)]));
    return execFileSync(shell, [flag, local], {
      encoding: 'utf8',
      env: { ...process.env, ...vars, ...env, PATH: `${join(dir, 'bin')}:${bin}:${process.env.PATH}` },
    });
  };

  it('reads the master user and password out of the secret, unescaping JSON', () => {
    run(job.fetch, { MASTER_SECRET_ARNS: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:rds!db-1' });
    expect(readFileSync(join(dir, 'secrets', 'user-0'), 'utf8').trim()).toBe(MASTER);
    expect(readFileSync(join(dir, 'secrets', 'password-0'), 'utf8').trim()).toBe('pa\\ss-Word_1');
  });

  it('applies the users script to every host with psql, as that master user', () => {
    const out = run(job.apply, { DATABASE_HOSTS: '127.0.0.1', DATABASE_PORT: String(pg.port) });
    expect(out).toContain('users applied on 127.0.0.1');
    for (const user of job.users) expect(pg.psql('postgres', `SELECT count(*) FROM pg_roles WHERE rolname = ${sqlLiteral(user)}`).stdout).toBe('1');
  });
});
