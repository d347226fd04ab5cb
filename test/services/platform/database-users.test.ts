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
import { fromTerraformLiteral } from '../../../constructs/shared/terraform-literal';
import { synthesizeExamples } from '../../helpers/examples';
import { postgresBinDir, startPostgres, ThrowawayPostgres } from '../../helpers/postgres';
import { readSynthesis } from '../../../synthesis/read';

const bin = postgresBinDir();
if (!bin) console.warn('Skipping the PostgreSQL users test: no PostgreSQL server (apt-get install postgresql).');
const describeWithPostgres = bin ? describe : describe.skip;

const MASTER = 'stagecraft_master';

/** The SQL and the users of the growth stage's database-users Job, as synthesized. */
function synthesizedJob(): { sql: string; users: string[] } {
  const examples = synthesizeExamples();
  const views = stackViews(readSynthesis(examples.outdir, { command: 'test', flag: '--from', given: examples.outdir }));
  const apps = views.find((v) => v.name === 'acme-growth-us-east-1-apps');
  const job = manifestsOf(apps, 'Job').find((m) => m.name.startsWith(`${DATABASE_USERS_JOB}-`));
  if (!job) throw new Error('acme-growth-us-east-1-apps has no database-users Job');
  const containers = (job.manifest as { spec: { template: { spec: { containers: Array<{ env: Array<{ name: string; value: string }> }> } } } }).spec.template
    .spec.containers;
  const env = containers.flatMap((c) => c.env);
  const sql = env.find((e) => e.name === DATABASE_USERS_SQL_ENV)?.value;
  if (sql === undefined) throw new Error(`the Job has no ${DATABASE_USERS_SQL_ENV}`);
  const users = examples.environments
    .find((e) => e.name === 'acme-growth')!
    .services.filter((s) => s.dataStores.includes('database'))
    .map((s) => s.name);
  return { sql: fromTerraformLiteral(sql), users };
}

describeWithPostgres('per-service PostgreSQL users on a real PostgreSQL (Debian)', () => {
  let pg: ThrowawayPostgres;
  let job: { sql: string; users: string[] };
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
