/**
 * The services' own RabbitMQ users and the topics' topology on a single-host stage (traction, with
 * components.queue: rabbitmq): what the cluster's `rabbitmq-users` and `rabbitmq-dead-letters` Jobs
 * do (services/platform/operations-jobs.ts), as a one-shot compose service, `rabbitmq-users`, that
 * runs before every service of the queue starts (they depend on its successful completion). Amazon
 * MQ for RabbitMQ creates users only through RabbitMQ's management API, so it calls that API as the
 * broker's admin: it declares the dead-letter exchange, queue and policy, an exchange per topic and
 * a queue `<topic>.<service>` per consumer, and puts each service's user (no tags: no management
 * access) with exactly its permissions (services/platform/queue-topology.ts). PUT replaces, so a
 * re-run converges, and both hosts of traction may run it at the same first boot.
 *
 * No password is in the document, the environment or an argument of anything but curl inside the
 * container: the admin password and each service's password are secret files the host fetched
 * from Secrets Manager into its tmpfs (services/host-fetch-secrets.ts), mounted into this container
 * alone. The admin's file is fetched right before each `compose up` and emptied after it (the
 * release's `--drop-transient`), so the host holds it only while the users are applied; no product
 * service mounts it. The services' passwords are generated hex (write-only, never in state): the
 * script refuses any other value before sending it, so none needs JSON escaping.
 */
import { composeLiteral } from '../synthesis/terraform-literal';
import {
  AWS_CLI_IMAGE,
  RABBITMQ_POLICY_ENV,
  rabbitMqDeadLetterCalls,
  rabbitMqDeadLetterPolicy,
  rabbitMqPutUserFunction,
  rabbitMqTopologyCalls,
} from './platform/operations-jobs';
import { ONE_SHOT_SERVICE } from './host-one-shot';

/** The name of the one-shot compose service. */
export const RABBITMQ_USERS_SERVICE = 'rabbitmq-users';
/** The secret file (under /run/secrets) of the broker's admin password on the host. */
export const RABBITMQ_ADMIN_SECRET_FILE = 'rabbitmq-admin';
/** The image the service runs: the cluster Jobs' own (Amazon Linux with curl and sh), pinned there. */
export const RABBITMQ_USERS_IMAGE = AWS_CLI_IMAGE;

/** One service's broker user on the host: its name, its password's secret file, what it may do. */
export interface HostRabbitMqUser {
  readonly user: string;
  /** The secret file (under /run/secrets) the service itself mounts its password from. */
  readonly passwordFile: string;
  readonly permissions: { readonly configure: string; readonly write: string; readonly read: string };
}

/** Where the users are put, and as whom. */
export interface HostRabbitMqAdmin {
  /** The broker's management console URL (`https://…mq.<region>.amazonaws.com`; a Terraform reference), as it is. */
  readonly consoleUrl: string;
  readonly username: string;
  readonly topology: { readonly exchanges: readonly string[]; readonly bindings: ReadonlyArray<{ readonly exchange: string; readonly queue: string }> };
  readonly users: readonly HostRabbitMqUser[];
}

/** The variable of user `i`'s permissions (JSON) in the one-shot service. */
export const hostRabbitMqPermissionsEnv = (i: number): string => `RABBITMQ_PERMISSIONS_${i}`;

/** The script of the one-shot service (tests run it against a real RabbitMQ). */
export function hostRabbitMqUsersScript(admin: HostRabbitMqAdmin): string {
  const adminFile = `/run/secrets/${RABBITMQ_ADMIN_SECRET_FILE}`;
  return [
    'set -eu',
    `[ -s ${adminFile} ] || { echo "${RABBITMQ_USERS_SERVICE}: ${adminFile} is empty: the admin secret is fetched right before each start by stagecraft-release (run: sudo stagecraft-release start)" >&2; exit 1; }`,
    `password=$(cat ${adminFile})`,
    'api() { curl -sS --fail-with-body --connect-timeout 10 -o /tmp/out -u "$RABBITMQ_USERNAME:$password" -H "content-type: application/json" "$@" || { cat /tmp/out >&2; echo >&2; echo "rabbitmq-users: $* failed" >&2; exit 1; }; }',
    ...rabbitMqDeadLetterCalls(),
    ...rabbitMqTopologyCalls(admin.topology),
    rabbitMqPutUserFunction('cat "/run/secrets/$2"'),
    ...admin.users.map(({ user, passwordFile }, i) => `put_user '${user}' '${passwordFile}' "$${hostRabbitMqPermissionsEnv(i)}"`),
    'echo "rabbitmq users and topology applied"',
  ].join('\n');
}

/** The one-shot service's environment (no secret in it): where the broker is, as whom, what each user may do. */
export function hostRabbitMqUsersEnv(admin: HostRabbitMqAdmin): Record<string, string> {
  return {
    HOME: '/tmp',
    // A Terraform reference (the broker's console URL): it goes in as it is, never through composeLiteral.
    RABBITMQ_CONSOLE_URL: admin.consoleUrl,
    RABBITMQ_USERNAME: composeLiteral(admin.username),
    [RABBITMQ_POLICY_ENV]: composeLiteral(JSON.stringify(rabbitMqDeadLetterPolicy())),
    ...Object.fromEntries(admin.users.map(({ permissions }, i) => [hostRabbitMqPermissionsEnv(i), composeLiteral(JSON.stringify(permissions))])),
  };
}

/** The compose entry of the one-shot service. */
export function rabbitMqUsersEntry(admin: HostRabbitMqAdmin): Record<string, unknown> {
  return {
    image: RABBITMQ_USERS_IMAGE,
    // Runs once per start of the project; the services of the queue wait for it.
    ...ONE_SHOT_SERVICE,
    environment: hostRabbitMqUsersEnv(admin),
    // The image's entrypoint is the AWS CLI; the script needs only sh and curl.
    entrypoint: ['/bin/sh', '-c', composeLiteral(hostRabbitMqUsersScript(admin))],
    secrets: [RABBITMQ_ADMIN_SECRET_FILE, ...admin.users.map((u) => u.passwordFile)],
    deploy: { resources: { limits: { cpus: '0.5', memory: '128M' } } },
    logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '5' } },
  };
}
