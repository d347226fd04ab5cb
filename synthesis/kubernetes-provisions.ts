/**
 * What a pod needs made outside the cluster before it can work, and which Job makes it: the same
 * idea as synthesis/kubernetes-secrets.ts (a Secret and the Job that writes it), for what lives in
 * a data store rather than in the cluster (issue 15 review: on growth the Deployments started
 * before the `rabbitmq-users` and `database-users` Jobs had made their users and crash-looped; on
 * hyperscale and massive before the `kafka-topics` Job had made their topics, and MSK creates
 * none on its own). A workload's needs are read from its containers' environment, exactly the
 * variables the platform sets for a credential (stacks/data-stores.ts):
 * - `DATABASE_AUTH=iam` (or `password`, behind PgBouncer) and `DATABASE_USER`: the PostgreSQL user
 *   `database-user/<user>`;
 * - `QUEUE_KIND=rabbitmq` and `QUEUE_USERNAME`: the broker user `rabbitmq-user/<user>`, and the
 *   exchange of each topic it produces or consumes, `rabbitmq-exchange/<topic>`;
 * - `QUEUE_KIND=kafka`: each topic it produces or consumes and the dead-letter topic of each it
 *   consumes (`KAFKA_DEAD_LETTER_TOPIC_SUFFIX`), `kafka-topic/<topic>`;
 * - a client of both brokers has each broker's variables under its own prefix instead of `QUEUE_`
 *   (`RABBITMQ_USERNAME`, `RABBITMQ_TOPICS_*`, `KAFKA_TOPICS_*`): read the same way;
 * - `SEARCH_AUTH=iam` and `SEARCH_INDEX_PREFIX`: its OpenSearch role and mapping, `search-access/<prefix>`.
 * A Job says what it makes in `PROVISIONS_ANNOTATION`; a workload whose need is made outside its
 * stack (the primary region's Job, for a standby database) says so in
 * `EXTERNAL_PROVISIONS_ANNOTATION`. The apps stack orders each workload after the Jobs that make
 * what it needs (`depends_on`; the Jobs are waited for to completion, constructs/kubernetes/
 * kubernetes-object-resource.ts), and guardrail SC-K8S-9 (WorkloadProvisionsProduced) fails a
 * workload that is not. Here, in synthesis/, because the apps stack, the Jobs and the guardrail
 * all read it.
 */
import { podSpecOf, SecretAwareObject } from './kubernetes-secrets';

/** On a Job: comma-separated `<kind>/<name>` of what it makes in a data store (`provision.*`). */
export const PROVISIONS_ANNOTATION = 'stagecraft.io/provisions';
/** On a workload: comma-separated `<kind>/<name>` of what it needs that is made outside this stack. */
export const EXTERNAL_PROVISIONS_ANNOTATION = 'stagecraft.io/external-provisions';

/** The variables that show a credential (stacks/data-stores.ts and services/platform/queue-topology.ts set them). */
export const PROVISION_ENV = {
  databaseAuth: 'DATABASE_AUTH',
  databaseUser: 'DATABASE_USER',
  queueKind: 'QUEUE_KIND',
  /** A client of one broker: `QUEUE_`; of both, each broker's own prefix (services/platform/queue-topology.ts). */
  queuePrefix: 'QUEUE_',
  brokerPrefixes: { rabbitmq: 'RABBITMQ_', kafka: 'KAFKA_' },
  username: 'USERNAME',
  produced: 'TOPICS_PRODUCED',
  consumed: 'TOPICS_CONSUMED',
  deadLetterSuffix: 'KAFKA_DEAD_LETTER_TOPIC_SUFFIX',
  searchAuth: 'SEARCH_AUTH',
  searchPrefix: 'SEARCH_INDEX_PREFIX',
} as const;

/** The names of what a provisioning Job makes, one per kind. */
export const provision = {
  databaseUser: (user: string) => `database-user/${user}`,
  rabbitMqUser: (user: string) => `rabbitmq-user/${user}`,
  rabbitMqExchange: (topic: string) => `rabbitmq-exchange/${topic}`,
  kafkaTopic: (topic: string) => `kafka-topic/${topic}`,
  searchAccess: (indexPrefix: string) => `search-access/${indexPrefix}`,
} as const;

type Json = Record<string, unknown>;
const asList = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const names = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/** A terraform expression (`${…}`, not the escaped `$${`): a value known only at apply. */
const UNRESOLVED = /(^|[^$])\$\{/;

/** What one workload needs made, and the variables whose values could not be read (expressions). */
export interface WorkloadNeeds {
  readonly needs: readonly string[];
  readonly unresolved: readonly string[];
}

/** What one container's environment (name → value) names that a Job must make first. */
export function provisionsNamedBy(env: Readonly<Record<string, string>>): WorkloadNeeds {
  const needs = new Set<string>();
  const unresolved = new Set<string>();
  const read = (name: string): string | undefined => {
    const value = env[name];
    if (value !== undefined && UNRESOLVED.test(value)) {
      unresolved.add(name);
      return undefined;
    }
    return value;
  };
  const user = read(PROVISION_ENV.databaseUser);
  // IAM logins, or behind PgBouncer a password the database-users Job sets (stacks/pooler.ts): the user is made by the Job either way.
  const databaseAuth = read(PROVISION_ENV.databaseAuth);
  if ((databaseAuth === 'iam' || databaseAuth === 'password') && user) needs.add(provision.databaseUser(user));
  // A client of one broker names it in QUEUE_KIND; a client of both has each broker's topics under its prefix.
  const kind = read(PROVISION_ENV.queueKind);
  const clientOf = (broker: 'rabbitmq' | 'kafka'): string | undefined => {
    const own = PROVISION_ENV.brokerPrefixes[broker];
    if (env[`${own}${PROVISION_ENV.produced}`] !== undefined || env[`${own}${PROVISION_ENV.consumed}`] !== undefined) return own;
    return kind === broker ? PROVISION_ENV.queuePrefix : undefined;
  };
  const topicsOf = (prefix: string) => ({
    produced: names(read(`${prefix}${PROVISION_ENV.produced}`)),
    consumed: names(read(`${prefix}${PROVISION_ENV.consumed}`)),
  });
  const rabbitMq = clientOf('rabbitmq');
  if (rabbitMq) {
    const { produced, consumed } = topicsOf(rabbitMq);
    const queueUser = read(`${rabbitMq}${PROVISION_ENV.username}`);
    if (queueUser) needs.add(provision.rabbitMqUser(queueUser));
    for (const topic of [...produced, ...consumed]) needs.add(provision.rabbitMqExchange(topic));
  }
  const kafka = clientOf('kafka');
  if (kafka) {
    const { produced, consumed } = topicsOf(kafka);
    const suffix = read(PROVISION_ENV.deadLetterSuffix);
    for (const topic of [...produced, ...consumed]) needs.add(provision.kafkaTopic(topic));
    if (suffix) for (const topic of consumed) needs.add(provision.kafkaTopic(`${topic}${suffix}`));
  }
  const prefix = read(PROVISION_ENV.searchPrefix);
  if (read(PROVISION_ENV.searchAuth) === 'iam' && prefix) needs.add(provision.searchAccess(prefix));
  return { needs: [...needs].sort(), unresolved: [...unresolved].sort() };
}

/** What a workload's containers (init containers included) need made in a data store, from their environment. */
export function neededProvisions(object: SecretAwareObject): WorkloadNeeds {
  const pod = podSpecOf(object);
  if (!pod) return { needs: [], unresolved: [] };
  const needs = new Set<string>();
  const unresolved = new Set<string>();
  for (const container of [...asList(pod.initContainers), ...asList(pod.containers)]) {
    const env: Record<string, string> = {};
    for (const e of asList(container.env)) if (typeof e.name === 'string' && typeof e.value === 'string') env[e.name] = e.value;
    const named = provisionsNamedBy(env);
    named.needs.forEach((n) => needs.add(n));
    named.unresolved.forEach((n) => unresolved.add(n));
  }
  return { needs: [...needs].sort(), unresolved: [...unresolved].sort() };
}

/** What a Job says it makes (`PROVISIONS_ANNOTATION`); nothing for any other object. */
export function providedProvisions(object: SecretAwareObject): string[] {
  if (object.kind !== 'Job') return [];
  return names(object.metadata.annotations?.[PROVISIONS_ANNOTATION]);
}

/** What a workload declares as made outside its stack (`EXTERNAL_PROVISIONS_ANNOTATION`). */
export function externalProvisions(object: SecretAwareObject): string[] {
  return names(object.metadata.annotations?.[EXTERNAL_PROVISIONS_ANNOTATION]);
}

/** The annotations of a Job that makes `made` (sorted, so its value is stable). */
export function provisionsAnnotation(made: Iterable<string>): Record<string, string> {
  const list = [...new Set(made)].sort();
  return list.length === 0 ? {} : { [PROVISIONS_ANNOTATION]: list.join(',') };
}
