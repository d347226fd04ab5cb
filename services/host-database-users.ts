/**
 * The services' own PostgreSQL users on single-host stages (issue 15): launch's Postgres container
 * and traction's RDS. A one-shot compose service, `database-users`, runs the script of
 * services/platform/database-users.ts as the master user before any service that uses the
 * database starts (they depend on its successful completion), so no service is handed the master
 * password. Each service logs in with a password of its own, generated into Secrets Manager
 * (write-only, never in state), fetched by the host into its tmpfs and mounted as a file; psql
 * reads each password from its file, so none is in an argument, the environment or the script.
 *
 * RDS rotates its managed master secret every 7 days, so the master secret is fetched again right
 * before every `compose up` (the release's secret script, services/host-release.ts), and on traction
 * emptied again after it (`rotatedMasterSecretFile`): the tmpfs holds it only while the users are
 * applied. The script refuses an empty file with a message rather than try a login without it. The
 * SQL takes an advisory lock first (services/platform/database-users.ts), so traction's two hosts
 * applying at the same first boot run one after the other.
 */
import { composeLiteral } from '../synthesis/terraform-literal';
import { databaseUsersSql } from './platform/database-users';
import { ONE_SHOT_SERVICE } from './host-one-shot';

/** The name of the one-shot compose service. */
export const DATABASE_USERS_SERVICE = 'database-users';
/** The variable of the one-shot service that carries the script (tests read it back). */
export const HOST_DATABASE_USERS_SQL_ENV = 'DATABASE_USERS_SQL';

/** Where the users are created, and as whom. */
export interface HostDatabaseAdmin {
  /** An image with psql (the server's own on launch, the PostgreSQL client image on traction). */
  readonly image: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  /** The secret file (under /run/secrets) of the master password. */
  readonly masterSecretFile: string;
  /**
   * How that file holds it: the password itself (launch's generated secret), or RDS's managed
   * secret, a JSON document with `username` and `password`.
   */
  readonly masterFormat: { readonly kind: 'password'; readonly user: string } | { readonly kind: 'rds-json' };
  /** `disable` on the host's own network, `require` to RDS. */
  readonly sslMode: 'disable' | 'require';
}

/**
 * The master secret file that must be fetched right before each run and emptied after it: RDS's
 * managed secret (rotated every 7 days). Launch's own Postgres password never rotates and is also
 * the server container's password file, so it stays.
 */
export function rotatedMasterSecretFile(admin: HostDatabaseAdmin): string | undefined {
  return admin.masterFormat.kind === 'rds-json' ? admin.masterSecretFile : undefined;
}

/** A service's password file on the host: `database-password-<service>`. */
export function hostDatabasePasswordFile(service: string): string {
  return `database-password-${service}`;
}

/** The compose entry of the one-shot users service for `users`, whose passwords are their secret files. */
export function databaseUsersEntry(admin: HostDatabaseAdmin, users: readonly string[]): Record<string, unknown> {
  const passwordFiles = Object.fromEntries(users.map((u) => [u, `/run/secrets/${hostDatabasePasswordFile(u)}`]));
  const sql = databaseUsersSql({ users: users.map((user) => ({ user })), database: admin.database, passwordFiles });
  const master = `/run/secrets/${admin.masterSecretFile}`;
  // RDS passwords hold no double quote; a backslash is escaped in the JSON, so `\\` becomes `\`.
  const field = (key: string) => `sed -n 's/.*"${key}"[[:space:]]*:[[:space:]]*"\\([^"]*\\)".*/\\1/p' ${master} | sed 's/\\\\\\\\/\\\\/g'`;
  const credentials =
    admin.masterFormat.kind === 'password'
      ? [`user='${admin.masterFormat.user}'`, `PGPASSWORD="$(cat ${master})"`]
      : [`user="$(${field('username')})"`, `PGPASSWORD="$(${field('password')})"`];
  const script = [
    'set -eu',
    `[ -s ${master} ] || { echo "database-users: ${master} is empty: the master secret is fetched right before each start by stagecraft-release (run: sudo stagecraft-release start)" >&2; exit 1; }`,
    ...credentials,
    'export PGPASSWORD',
    `printf '%s' "$${HOST_DATABASE_USERS_SQL_ENV}" | psql "host=$DATABASE_HOST port=$DATABASE_PORT dbname=$DATABASE_NAME user=$user sslmode=${admin.sslMode} connect_timeout=10" -X -q --single-transaction -v ON_ERROR_STOP=1 -f -`,
    'echo "database users applied"',
  ].join('\n');
  return {
    image: admin.image,
    // Runs once per start of the project; the services that use the database wait for it.
    ...ONE_SHOT_SERVICE,
    // The host may be a Terraform reference (RDS's address): it goes in as it is, never through composeLiteral.
    environment: {
      HOME: '/tmp',
      DATABASE_HOST: admin.host,
      DATABASE_PORT: String(admin.port),
      DATABASE_NAME: composeLiteral(admin.database),
      [HOST_DATABASE_USERS_SQL_ENV]: composeLiteral(sql),
    },
    command: ['sh', '-c', composeLiteral(script)],
    secrets: [admin.masterSecretFile, ...users.map(hostDatabasePasswordFile)],
    deploy: { resources: { limits: { cpus: '0.5', memory: '128M' } } },
    logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '5' } },
  };
}
