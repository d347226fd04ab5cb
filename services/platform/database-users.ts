/**
 * One PostgreSQL user per service (RDS and Aurora), so no service is the master user and none
 * can reach another's data (issue 15, review R10). Each user:
 * - logs in only through IAM database authentication (`rds_iam`): the service's Pod Identity
 *   role may `rds-db:connect` as that user alone and asks for a 15-minute token, so no password
 *   exists and there is nothing to rotate; on single-host stages (launch, traction), whose
 *   containers cannot use an IAM role, with a password of its own read from a file (`passwordFiles`);
 * - is created without SUPERUSER, CREATEDB, CREATEROLE, REPLICATION or BYPASSRLS (a user that
 *   exists with any of them makes the script fail rather than run a superuser service);
 * - gets CONNECT on the database and USAGE and CREATE on a schema named after the service, and
 *   nothing on any other service's schema (a schema with no grant is closed to everyone but its owner);
 * - on cluster stages is named for the environment and the service (config/database-user.ts), and
 *   becomes a member of the role it replaces, the bare service name, where one exists (an upgrade:
 *   that role owns the service's tables; `formerUser`).
 * The schemas are owned by the user that runs the script (the master user), which is what RDS
 * allows: its master user is not a superuser and cannot make a schema for another role.
 * Every statement is idempotent: the operations Job (services/platform/operations-jobs.ts) runs
 * the whole script again whenever it changes. Runs are serialized by a session advisory lock taken
 * first: two runs at once (traction's two hosts at first boot, a Job and its retry) would otherwise
 * fail on concurrent catalog updates ("tuple concurrently updated", a duplicate role); the second
 * waits, then finds everything in place. Every name is quoted as an identifier and every value as
 * a literal: a service name is user text, and it stays data.
 */
import { shellQuote } from '../shell-quote';

/** The role RDS and Aurora PostgreSQL log a user in with through IAM (rds-db:connect tokens). */
export const RDS_IAM_ROLE = 'rds_iam';
/** The database the services use: RDS and Aurora create it with the instance. */
export const POSTGRES_DATABASE = 'postgres';
/** Key of the advisory lock that serializes runs of the script on a server ("STGC" as a number). */
export const DATABASE_USERS_LOCK_KEY = 1398032195;
/** Tag of the dollar-quoted blocks; a name cannot contain it (see `dollarQuoted`). */
const DOLLAR_TAG = '$stagecraft$';

/** What one service is given. */
export interface DatabaseUser {
  /** The database user: on cluster stages `databaseUserName` (config/database-user.ts), on hosts the service's name. */
  readonly user: string;
  /** The schema only it may use. @default the user's name */
  readonly schema?: string;
  /**
   * The user this one replaces (an upgrade: cluster stages logged in as the bare service name
   * before their users carried the environment). When a role of that name exists, the user becomes
   * a member of it (`GRANT "<former>" TO "<user>"`), so it may read, write, alter and drop what the
   * former user created and owns. A former role with more than LOGIN, or a member of any role but
   * the IAM one, makes the script fail rather than pass its powers on. @default none
   */
  readonly formerUser?: string;
}

export interface DatabaseUsersInput {
  readonly users: readonly DatabaseUser[];
  /** @default POSTGRES_DATABASE */
  readonly database?: string;
  /** The role that marks IAM logins; a test without RDS names one it created. @default RDS_IAM_ROLE */
  readonly iamRole?: string;
  /**
   * Password logins instead of IAM (single-host stages, whose containers cannot use an IAM role):
   * the file each user's password is read from, by user. psql reads it with a backtick `\set`, so
   * the password is in no argument, environment or script, and sets it as a literal (`:'var'`).
   * @default none: IAM logins
   */
  readonly passwordFiles?: Readonly<Record<string, string>>;
  /**
   * With `passwordFiles` on RDS or Aurora (services behind PgBouncer): revoke `iamRole` from a
   * user that has it, since RDS then refuses its password (a service that logged in with IAM
   * before the pooler was added). @default false
   */
  readonly revokeIam?: boolean;
}

/** A PostgreSQL identifier: double quotes around, embedded ones doubled, so a name can never end it. */
export function sqlIdentifier(name: string): string {
  if (name.includes('\u0000')) throw new Error(`a PostgreSQL name cannot contain NUL: ${JSON.stringify(name)}`);
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A PostgreSQL string literal: single quotes doubled; with a backslash, the `E''` form with the
 * backslash doubled too, so the text means the same whatever `standard_conforming_strings` is.
 */
export function sqlLiteral(text: string): string {
  if (text.includes('\u0000')) throw new Error(`a PostgreSQL string cannot contain NUL: ${JSON.stringify(text)}`);
  const quoted = text.replace(/'/g, "''");
  return text.includes('\\') ? `E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`;
}

/** A DO block; its body is made of escaped names and literals, which cannot hold the tag unquoted, but it is checked. */
function dollarQuoted(body: string): string {
  if (body.includes(DOLLAR_TAG)) throw new Error(`a database name or user contains ${DOLLAR_TAG}`);
  return `DO ${DOLLAR_TAG}\nBEGIN\n${body}\nEND\n${DOLLAR_TAG};`;
}

function userStatements(user: DatabaseUser, database: string, iamRole: string, passwordFile: string | undefined, index: number, revokeIam: boolean): string[] {
  const role = sqlIdentifier(user.user);
  // A user that holds the IAM role may log in with IAM only (RDS): behind PgBouncer it logs in with its password.
  const revoke = dollarQuoted(
    [
      `  IF EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid JOIN pg_catalog.pg_roles u ON u.oid = m.member`,
      `             WHERE g.rolname = ${sqlLiteral(iamRole)} AND u.rolname = ${sqlLiteral(user.user)}) THEN`,
      `    REVOKE ${sqlIdentifier(iamRole)} FROM ${role};`,
      `  END IF;`,
    ].join('\n'),
  );
  // psql variables are letters, digits and underscores: the user's position names it.
  const login =
    passwordFile === undefined
      ? [`GRANT ${sqlIdentifier(iamRole)} TO ${role};`]
      : [
          ...(revokeIam ? [revoke] : []),
          // psql runs a backtick command with the shell: the file name is one quoted shell word.
          `\\set stagecraft_password_${index} \`cat ${shellQuote(passwordFile)}\``,
          `ALTER ROLE ${role} WITH PASSWORD :'stagecraft_password_${index}';`,
        ];
  const schema = sqlIdentifier(user.schema ?? user.user);
  const name = sqlLiteral(user.user);
  const former = user.formerUser !== undefined && user.formerUser !== user.user ? formerUserStatements(user.formerUser, user.user, iamRole, revokeIam) : [];
  return [
    `-- ${JSON.stringify(user.user)}: ${passwordFile === undefined ? 'IAM login only' : 'password login'}, its own schema.`,
    dollarQuoted(
      [
        `  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ${name}) THEN`,
        `    CREATE ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;`,
        `  END IF;`,
        `  IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ${name} AND (rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls)) THEN`,
        `    RAISE EXCEPTION 'role % exists with more than LOGIN (superuser, createdb, createrole, replication or bypassrls); refusing to give it to a service', ${name};`,
        `  END IF;`,
      ].join('\n'),
    ),
    ...login,
    ...former,
    `GRANT CONNECT ON DATABASE ${sqlIdentifier(database)} TO ${role};`,
    `CREATE SCHEMA IF NOT EXISTS ${schema};`,
    `REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC;`,
    `GRANT USAGE, CREATE ON SCHEMA ${schema} TO ${role};`,
    `ALTER ROLE ${role} SET search_path = ${schema};`,
  ];
}

/**
 * `user` takes over from `former`, when a role of that name exists: it becomes a member of it,
 * and so may use and alter what `former` owns (its tables in the service's schema). Checked
 * first: membership also lets `user` SET ROLE to `former`, so a former role with more than LOGIN
 * or in any role but `iamRole` stops the script. With `revokeIam` (password logins behind
 * PgBouncer) `former` loses `iamRole` too, or `user` would hold it through `former`.
 */
function formerUserStatements(former: string, user: string, iamRole: string, revokeIam: boolean): string[] {
  const formerName = sqlLiteral(former);
  const member = (role: string, of: string) =>
    `SELECT 1 FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid JOIN pg_catalog.pg_roles u ON u.oid = m.member WHERE g.rolname = ${sqlLiteral(of)} AND u.rolname = ${sqlLiteral(role)}`;
  return [
    `-- ${JSON.stringify(user)} takes over from ${JSON.stringify(former)}, when that role exists: a member of it, so it keeps what ${JSON.stringify(former)} owns.`,
    dollarQuoted(
      [
        `  IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ${formerName}) THEN`,
        `    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ${formerName} AND (rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls)) THEN`,
        `      RAISE EXCEPTION 'role % exists with more than LOGIN (superuser, createdb, createrole, replication or bypassrls); refusing to make % a member of it', ${formerName}, ${sqlLiteral(user)};`,
        `    END IF;`,
        `    IF EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid JOIN pg_catalog.pg_roles u ON u.oid = m.member`,
        `               WHERE u.rolname = ${formerName} AND g.rolname <> ${sqlLiteral(iamRole)}) THEN`,
        `      RAISE EXCEPTION 'role % is a member of roles other than %; refusing to make % a member of it', ${formerName}, ${sqlLiteral(iamRole)}, ${sqlLiteral(user)};`,
        `    END IF;`,
        ...(revokeIam
          ? [`    IF EXISTS (${member(former, iamRole)}) THEN`, `      REVOKE ${sqlIdentifier(iamRole)} FROM ${sqlIdentifier(former)};`, `    END IF;`]
          : []),
        `    IF NOT EXISTS (${member(user, former)}) THEN`,
        `      GRANT ${sqlIdentifier(former)} TO ${sqlIdentifier(user)};`,
        `    END IF;`,
        `  END IF;`,
      ].join('\n'),
    ),
  ];
}

/** The script that creates or updates every service's user, grants and schema. */
export function databaseUsersSql(input: DatabaseUsersInput): string {
  const database = input.database ?? POSTGRES_DATABASE;
  const iamRole = input.iamRole ?? RDS_IAM_ROLE;
  const names = input.users.map((u) => u.user);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) throw new Error(`databaseUsersSql: user ${JSON.stringify(duplicate)} is listed twice`);
  // One service's user never becomes a member of another's.
  const taken = input.users.find((u) => u.formerUser !== undefined && u.formerUser !== u.user && names.includes(u.formerUser));
  if (taken)
    throw new Error(`databaseUsersSql: ${JSON.stringify(taken.user)} would take over ${JSON.stringify(taken.formerUser)}, which is another listed user`);
  const lines = [
    '-- Generated by Stagecraft; do not edit. Idempotent: run again whenever it changes.',
    '\\set ON_ERROR_STOP on',
    // One run at a time, before any catalog is read or written; held until psql disconnects.
    `DO ${DOLLAR_TAG}\nBEGIN\n  PERFORM pg_catalog.pg_advisory_lock(${DATABASE_USERS_LOCK_KEY});\nEND\n${DOLLAR_TAG};`,
    // Nobody but a schema's grantees creates objects; PostgreSQL 15 and later already default to this.
    'REVOKE CREATE ON SCHEMA public FROM PUBLIC;',
    ...[...input.users]
      .sort((a, b) => a.user.localeCompare(b.user))
      .flatMap((u, i) => userStatements(u, database, iamRole, input.passwordFiles?.[u.user], i, input.revokeIam ?? false)),
  ];
  return `${lines.join('\n')}\n`;
}
