/**
 * Which broker each of a service's topics lives on (issue 18, "Kafka and RabbitMQ together").
 * A service of one broker lists its topics as `topics.consumes` / `topics.produces`; they live
 * on the broker its `dataStores` names (`rabbitmq`, `kafka`), or on the environment's only one
 * (`queue`, or nothing). A service of both names the broker of each topic: `topics.kafka` and
 * `topics.rabbitmq`, each `{ consumes, produces }`; naming topics there makes it a client of that
 * broker (the broker joins its `dataStores`), so its credential, NetworkPolicy, variables and the
 * broker's topology follow. The rules below refuse the forms that would leave a topic's broker
 * unsaid. Which broker an environment runs is checked later (components.ts).
 */
import { Problem } from './errors';
import { DataStoreKind, QUEUE_BROKERS, QueueBroker } from './service-definition';
import { ServiceConfig } from './service-schema';

type TopicsConfig = NonNullable<ServiceConfig['topics']>;

const count = (topics: { consumes?: readonly string[]; produces?: readonly string[] } | undefined) =>
  (topics?.consumes?.length ?? 0) + (topics?.produces?.length ?? 0);

/** The brokers a service names its topics on (`topics.<broker>`), in QUEUE_BROKERS order. */
export function qualifiedBrokers(topics: TopicsConfig | undefined): QueueBroker[] {
  return QUEUE_BROKERS.filter((b) => topics?.[b] !== undefined);
}

/** The data stores the file lists, then each broker it names topics on and does not list. */
export function dataStoresWithTopicBrokers(config: Pick<ServiceConfig, 'dataStores' | 'topics'>): DataStoreKind[] {
  const listed = config.dataStores ?? [];
  return [...listed, ...qualifiedBrokers(config.topics).filter((b) => !listed.includes(b))];
}

/**
 * The broker forms that leave a topic's broker unsaid: `queue` beside a named broker, topics
 * under a broker and unqualified ones together, unqualified topics on a service of both brokers,
 * a broker of a service of both with no topic on it, and an empty `topics.<broker>`.
 */
export function brokerProblems(config: Pick<ServiceConfig, 'name' | 'dataStores' | 'topics'>, file: string): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ file, path, message });
  const listed = config.dataStores ?? [];
  const topics = config.topics;
  const qualified = qualifiedBrokers(topics);
  const brokers = QUEUE_BROKERS.filter((b) => listed.includes(b) || qualified.includes(b));
  const where = (b: QueueBroker) => (listed.includes(b) ? `dataStores[${listed.indexOf(b)}]` : `topics.${b}`);
  const unqualified = (['consumes', 'produces'] as const).filter((field) => (topics?.[field]?.length ?? 0) > 0);

  if (listed.includes('queue') && brokers.length > 0) {
    add(
      `dataStores[${listed.indexOf('queue')}]`,
      `names queue beside ${brokers.join(' and ')} (${brokers.map(where).join(', ')}); queue is the environment's one broker, so beside a named broker it is ambiguous; allowed: queue alone, or the brokers by name (rabbitmq, kafka)`,
    );
    return problems;
  }
  for (const b of qualified) {
    if (count(topics?.[b]) === 0) add(`topics.${b}`, 'lists no topic; allowed: consumes or produces with at least one topic, or remove it');
  }
  for (const field of unqualified) {
    if (qualified.length > 0)
      add(
        `topics.${field}`,
        `does not say its broker while topics.${qualified[0]} does; name the broker of every topic or of none; allowed: move them under ${QUEUE_BROKERS.map((b) => `topics.${b}.${field}`).join(' or ')}`,
      );
    else if (brokers.length > 1)
      add(
        `topics.${field}`,
        `does not say its broker, and ${config.name} uses ${brokers.join(' and ')} (${brokers.map(where).join(', ')}); allowed: ${brokers.map((b) => `topics.${b}.${field}`).join(' or ')}`,
      );
  }
  if (brokers.length > 1 && unqualified.length === 0) {
    for (const b of brokers) {
      if (!qualified.includes(b))
        add(
          where(b),
          `names ${b}, but no topic of ${config.name} is on it (a service of both brokers names the broker of each topic); allowed: its topics there under topics.${b} (consumes, produces), or remove ${b}`,
        );
    }
  }
  return problems;
}
