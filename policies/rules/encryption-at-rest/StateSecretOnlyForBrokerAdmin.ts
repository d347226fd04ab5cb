/**
 * The one generated secret Terraform keeps in state is an Amazon MQ broker's admin password, and
 * only the operations Jobs may read it (issue 15). Amazon MQ for RabbitMQ has no managed or
 * write-only password (docs/credentials.md), so GeneratedSecretNotInState carries a written
 * suppression on the broker and its secret version; this rule keeps that exception from
 * spreading: a generated value kept in state (outside a write-only argument) must be a secret
 * version's `secret_string` copied into an `aws_mq_broker` user's password and into nothing
 * else, and every IAM role that may read its secret must be an operations Job's (a Pod Identity
 * association in the `operations` namespace), never a product service's. On a single-host stage
 * (traction with a queue) the hosts' instance role fetches it for the one-shot `rabbitmq-users`
 * compose service (services/host-rabbitmq-users.ts): allowed only when the release's secret script
 * fetches it into a file that no other compose service mounts and empties it after each up.
 * A role reads the secret by a reference to it or by its name's ARN (`…:secret:<name>-??????`).
 */
import { decodePolicy, JsonValue, statements, stringList } from '../../../synthesis/policy-document';
import { fromTerraformLiteral } from '../../../synthesis/terraform-literal';
import { record } from '../../../synthesis/values';
import { HOST_BROKER_USERS_SERVICE, RELEASE_COMPOSE_KEY, releaseComposeServices } from '../request-path/host-compose';
import { ResourceView, StackOutcome, StackRule, StackView } from '../../types';
import { GENERATED, generatedArguments } from './GeneratedSecretNotInState';
import { namesSecret } from '../helpers';

const OPERATIONS_NAMESPACE = 'operations';
/** The release's secret script (services/host-fetch-secrets.ts), by the end of its key. */
const SECRETS_SCRIPT_KEY = /(^|\/)stagecraft-fetch-secrets$/;

/** The broker users' password arguments that copy `version`'s value. */
function brokerCopies(stack: StackView, version: ResourceView): string[] {
  return stack.resources('aws_mq_broker').flatMap((broker) =>
    (Array.isArray(broker.values.user) ? broker.values.user : [broker.values.user])
      .map(record)
      .filter((user) => stack.referenced(user?.password) === version)
      .map(() => broker.address),
  );
}

/** Every other argument of the stack that copies `version`'s value, as `<address>.<argument>`. */
function otherCopies(stack: StackView, version: ResourceView): string[] {
  const needle = `${version.address}.secret_string`;
  return stack
    .resources()
    .filter((r) => r !== version && r.type !== 'aws_mq_broker')
    .flatMap((r) =>
      Object.entries(r.values)
        .filter(([key, value]) => key !== '//' && JSON.stringify(value ?? null).includes(needle))
        .map(([key]) => `${r.address}.${key}`),
    );
}

/** Roles whose inline policies may read `secret`, with the policy that grants it (unresolved policies reported apart). */
function readers(stack: StackView, secret: ResourceView): { roles: ResourceView[]; unresolved: string[] } {
  const roles: ResourceView[] = [];
  const unresolved: string[] = [];
  for (const policy of stack.resources('aws_iam_role_policy')) {
    const decoded = decodePolicy(policy.values.policy);
    if ('unresolved' in decoded) {
      unresolved.push(`${policy.address}.policy`);
      continue;
    }
    const grants = statements(decoded.document).some(
      (s) =>
        s.Effect === 'Allow' &&
        stringList(s.Action as JsonValue).some((a) => a === 'secretsmanager:GetSecretValue' || a === 'secretsmanager:*' || a === '*') &&
        stringList(s.Resource as JsonValue).some((r) => namesSecret(r, secret)),
    );
    const role = stack.referenced(policy.values.role);
    if (grants && role) roles.push(role);
  }
  return { roles, unresolved };
}

/**
 * The hosts' instance roles (of the stack's instance profiles) and whether they may hold `secret`:
 * undefined when they may (the release fetches it for `rabbitmq-users` alone, emptied after each
 * up), else why not.
 */
function hostReaders(stack: StackView, secret: ResourceView): { roles: Set<ResourceView>; refused?: string } {
  const roles = new Set(
    stack
      .resources('aws_iam_instance_profile')
      .map((p) => stack.referenced(p.values.role))
      .filter((r): r is ResourceView => r !== undefined),
  );
  const objects = stack.resources('aws_s3_object');
  const script = objects.find((o) => typeof o.values.key === 'string' && SECRETS_SCRIPT_KEY.test(o.values.key));
  const text = typeof script?.values.content === 'string' ? fromTerraformLiteral(script.values.content) : '';
  const file = [...text.matchAll(/^fetch '([^']+)' '([^']*)'/gm)].find((m) => m[2].includes(`\${${secret.address}.`))?.[1];
  if (!file) return { roles, refused: `no release secret script of ${stack.name} fetches it for the ${HOST_BROKER_USERS_SERVICE} service` };
  const drop = /^\s*--drop-transient\)\n([\s\S]*?)^\s*exit 0 ;;/m.exec(text)?.[1] ?? '';
  if (!drop.includes(`'${file}'`)) return { roles, refused: `the release's secret script keeps its file ${file} after compose comes up (--drop-transient)` };
  const mounting = objects
    .filter((o) => typeof o.values.key === 'string' && RELEASE_COMPOSE_KEY.test(o.values.key))
    .flatMap((o) => Object.entries(releaseComposeServices(o) ?? {}))
    .filter(
      ([name, service]) => name !== HOST_BROKER_USERS_SERVICE && (service.secrets ?? []).some((s) => (typeof s === 'string' ? s : record(s)?.source) === file),
    )
    .map(([name]) => name);
  return mounting.length > 0
    ? { roles, refused: `compose services ${mounting.join(', ')} mount its file ${file}; only ${HOST_BROKER_USERS_SERVICE} may` }
    : { roles };
}

export const StateSecretOnlyForBrokerAdmin: StackRule = {
  id: 'SC-EAR-18',
  name: 'StateSecretOnlyForBrokerAdmin',
  family: 'encryption-at-rest',
  scope: 'stack',
  description:
    "The only generated value kept in state is an Amazon MQ broker's admin password (no write-only way exists): its secret version feeds the broker's user and nothing else, and only the operations Jobs' roles may read its secret, or on hosts the instance role that fetches it for the one-shot rabbitmq-users service alone, emptied after each up.",
  evaluate(stack) {
    const outcomes: StackOutcome[] = [];
    for (const resource of stack.resources()) {
      const found = generatedArguments(resource);
      if (found.length === 0) continue;
      const where = `${resource.address}.${found[0].path}`;
      if (resource.type !== 'aws_secretsmanager_secret_version' || found.some((f) => f.path !== 'secret_string')) {
        outcomes.push({
          address: resource.address,
          status: 'non-compliant',
          message: `${where} keeps a value Terraform generates (${GENERATED.exec(found[0].text)?.[0]}) in state; only an Amazon MQ broker's admin password, through its secret version, may be`,
        });
        continue;
      }
      const brokers = brokerCopies(stack, resource);
      const others = otherCopies(stack, resource);
      if (brokers.length !== 1 || others.length > 0) {
        outcomes.push({
          address: resource.address,
          status: 'non-compliant',
          message:
            brokers.length === 0
              ? `${where} keeps a generated value in state that is no Amazon MQ broker's admin password; write it through secret_string_wo`
              : `${where} is kept in state for ${brokers.length === 1 ? brokers[0] : `${brokers.length} brokers`}, and may be only one broker's admin password${others.length > 0 ? `; also copied into ${others.join(', ')}` : ''}`,
        });
        continue;
      }
      const secret = stack.referenced(resource.values.secret_id);
      if (!secret) {
        outcomes.push({
          address: resource.address,
          status: 'could-not-evaluate',
          message: `${resource.address}.secret_id does not name a secret of this stack; the rule cannot see who may read it`,
        });
        continue;
      }
      const { roles, unresolved } = readers(stack, secret);
      const associations = stack.resources('aws_eks_pod_identity_association');
      const jobs = roles.filter((role) =>
        associations.some((a) => stack.referenced(a.values.role_arn) === role && a.values.namespace === OPERATIONS_NAMESPACE),
      );
      const hosts = hostReaders(stack, secret);
      const hostRoles = roles.filter((role) => hosts.roles.has(role));
      const outsiders = roles.filter((role) => !jobs.includes(role) && (!hosts.roles.has(role) || hosts.refused !== undefined));
      if (outsiders.length > 0) {
        const why = hostRoles.length > 0 && hosts.refused ? ` (${hosts.refused})` : '';
        outcomes.push({
          address: secret.address,
          status: 'non-compliant',
          message: `${secret.address} holds the broker admin password, and ${outsiders.map((r) => r.address).join(', ')} may read it${why}; only the operations Jobs (Pod Identity in the ${OPERATIONS_NAMESPACE} namespace), or on hosts the instance role for the one-shot ${HOST_BROKER_USERS_SERVICE} service alone, may`,
        });
      } else if (unresolved.length > 0) {
        outcomes.push({
          address: secret.address,
          status: 'could-not-evaluate',
          message: `${unresolved.join(', ')} is an unresolved expression; the rule cannot tell whether it reads ${secret.address}`,
        });
      } else outcomes.push({ address: resource.address, status: 'compliant' });
    }
    return outcomes.length > 0 ? outcomes : [{ status: 'not-applicable', reason: 'no generated value is kept in state' }];
  },
};
