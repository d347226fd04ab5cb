/**
 * The per-service PostgreSQL users, for real: the script the growth stage's `database-users` Job
 * runs (read back from the synthesized apps stack) is applied to Debian's PostgreSQL on loopback
 * as a master user with RDS's powers (CREATEROLE, owner of the database, not a superuser), twice,
 * and then each service connects as its own user and is shown what it can and cannot do.
 */
import { databaseUsersSql, sqlIdentifier, sqlLiteral } from '../../../services/platform/database-users';
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

/** The SQL, the users and the two containers (secret reader, psql) of the growth stage's database-users Job, as synthesized. */
function synthesizedJob(): { sql: string; users: string[]; fetch: Container; apply: Container } {
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
  const users = examples.environments
    .find((e) => e.name === 'acme-growth')!
    .services.filter((s) => s.dataStores.includes('database'))
    .map((s) => s.name);
  return { sql: fromTerraformLiteral(sql), users, fetch: pod.initContainers[0], apply: containers[0] };
}

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
    // RDS: the master user may create roles and owns the database, but is no superuser; rds_iam exists.
    must(
      'postgres',
      [
        'CREATE ROLE rds_iam NOLOGIN;',
        `CREATE ROLE ${MASTER} LOGIN CREATEROLE;`,
        `GRANT rds_iam TO ${MASTER} WITH ADMIN OPTION;`,
        `ALTER DATABASE postgres OWNER TO ${MASTER};`,
      ].join('\n'),
    );
  }, 60_000);

  afterAll(() => pg?.stop());

  it('is the script for every service of the stage that declares the database', () => {
    expect(job.users.length).toBeGreaterThan(1);
    expect(job.sql).toBe(databaseUsersSql({ users: job.users.map((user) => ({ user })) }));
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
  });

  it('gives every service a login that is no superuser and may log in through IAM', () => {
    for (const user of job.users) {
      expect(must(user, 'SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = current_user')).toBe(
        'f|f|f|f|f',
      );
      expect(must(user, "SELECT pg_has_role(current_user, 'rds_iam', 'MEMBER')")).toBe('t');
      expect(must(user, 'SHOW search_path')).toBe(sqlIdentifier(user).replace(/^"([a-z_][a-z0-9_]*)"$/, '$1'));
    }
  });

  it('lets each service create and use tables in its own schema', () => {
    for (const user of job.users) {
      const table = `${sqlIdentifier(user)}.notes`;
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
    const denied = (user: string, sql: string) => {
      const result = pg.psql(user, sql, { singleTransaction: false });
      expect(result.ok).toBe(false);
      expect(result.stderr).toMatch(/permission denied|must be superuser|must have admin option/);
    };
    denied(first, `SELECT * FROM ${sqlIdentifier(second)}.notes`);
    denied(second, `SELECT * FROM ${sqlIdentifier(first)}.notes`);
    denied(first, `CREATE TABLE ${sqlIdentifier(second)}.planted (x int)`);
    denied(first, 'CREATE TABLE public.planted (x int)');
    denied(first, 'CREATE ROLE intruder LOGIN');
    denied(first, 'CREATE DATABASE other');
    denied(first, `GRANT rds_iam TO ${sqlIdentifier(second)}`);
    denied(first, `ALTER ROLE ${sqlIdentifier(first)} SUPERUSER`);
  });

  it('keeps a hostile service name as data: quotes and a statement in the name make one more user, nothing else', () => {
    const hostile = `o'brien"; DROP SCHEMA "${job.users[0]}" CASCADE; --\\`;
    const sql = databaseUsersSql({ users: [...job.users, hostile].map((user) => ({ user })) });
    expect(as(MASTER, sql)).toMatchObject({ ok: true });
    expect(must('postgres', `SELECT count(*) FROM pg_roles WHERE rolname = ${sqlLiteral(hostile)}`)).toBe('1');
    expect(must(job.users[0], `SELECT body FROM ${sqlIdentifier(job.users[0])}.notes`)).toBe(job.users[0]);
    expect(must(hostile, `SELECT current_user = ${sqlLiteral(hostile)}, (SELECT count(*) FROM pg_namespace WHERE nspname = ${sqlLiteral(hostile)})`)).toBe(
      't|1',
    );
  });

  it('refuses to hand a service a role that already has more than LOGIN', () => {
    must('postgres', 'CREATE ROLE "elevated" LOGIN SUPERUSER');
    const result = as(MASTER, databaseUsersSql({ users: [{ user: 'elevated' }] }));
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain('role elevated exists with more than LOGIN');
  });
});

describeWithPostgres("the database-users Job's own scripts, run by sh against the real server", () => {
  let pg: ThrowawayPostgres;
  let job: ReturnType<typeof synthesizedJob>;
  let dir: string;

  beforeAll(async () => {
    job = synthesizedJob();
    pg = await startPostgres(bin!);
    pg.psql(
      'postgres',
      `CREATE ROLE rds_iam NOLOGIN; CREATE ROLE ${MASTER} LOGIN CREATEROLE; GRANT rds_iam TO ${MASTER} WITH ADMIN OPTION; ALTER DATABASE postgres OWNER TO ${MASTER};`,
    );
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
