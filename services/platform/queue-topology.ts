/**
 * The queue's topology, derived from the services' `topics` (issue 15): which topics exist and
 * who may do what on them. One source for both brokers, so a service's credential, the Jobs that
 * create the topology and `stagecraft check` agree:
 * - Kafka (MSK): every topic a service produces or consumes, and `<topic>.dlq` of each consumed
 *   one (a consumer gives up on a message by publishing it there); partitions and replication
 *   factor from the sizing (`kafkaTopics`);
 * - RabbitMQ (Amazon MQ): an exchange per topic (fanout) and, per consuming service, a durable
 *   queue `<topic>.<service>` bound to it, so each consumer gets every message as a Kafka
 *   consumer group does; each service's broker user may publish to the exchanges of the topics
 *   it produces and consume its own queues, and configure nothing (`rabbitMqPermissions`).
 * Topic names are 1–240 of `[A-Za-z0-9._-]` and service names DNS labels (config/service-schema.ts),
 * so they are safe in URLs, JSON and single-quoted shell words; regular expressions escape them.
 * The functions take a broker's clients as `brokerClients` (config/components.ts) gives them:
 * each with `topics` narrowed to its topics on that broker, so a service of both brokers puts its
 * Kafka topics in the Kafka topology and its RabbitMQ topics in the RabbitMQ one.
 */
import { QueueBroker, ServiceDefinition } from '../../config/service-definition';

/** Dead letters of a consumed Kafka topic go to `<topic>` + this (KAFKA_DEAD_LETTER_TOPIC_SUFFIX). */
export const KAFKA_DEAD_LETTER_SUFFIX = '.dlq';

/**
 * The prefix of a queue client's variables: `QUEUE_` for a client of one broker (with QUEUE_KIND
 * naming it), the broker's own (`RABBITMQ_`, `KAFKA_`) for a client of both.
 */
export function queueVariablePrefix(broker?: QueueBroker): string {
  return broker === undefined ? 'QUEUE_' : `${broker.toUpperCase()}_`;
}

/** The variables that tell a queue client its topics (comma-separated), after the prefix. */
export const QUEUE_PRODUCES_SUFFIX = 'TOPICS_PRODUCED';
export const QUEUE_CONSUMES_SUFFIX = 'TOPICS_CONSUMED';
export const QUEUE_PRODUCES_ENV = `${queueVariablePrefix()}${QUEUE_PRODUCES_SUFFIX}`;
export const QUEUE_CONSUMES_ENV = `${queueVariablePrefix()}${QUEUE_CONSUMES_SUFFIX}`;

const sorted = (names: Iterable<string>) => [...new Set(names)].sort();

/** Every Kafka topic the services use: produced, consumed, and the dead-letter topic of each consumed one. */
export function kafkaTopicNames(services: readonly ServiceDefinition[]): string[] {
  return sorted(services.flatMap(({ topics }) => [...topics.produces, ...topics.consumes, ...topics.consumes.map((t) => `${t}${KAFKA_DEAD_LETTER_SUFFIX}`)]));
}

/** The topics a service writes on Kafka: those it produces and the dead-letter topics of those it consumes. */
export function kafkaWrittenTopics(service: Pick<ServiceDefinition, 'topics'>): string[] {
  return sorted([...service.topics.produces, ...service.topics.consumes.map((t) => `${t}${KAFKA_DEAD_LETTER_SUFFIX}`)]);
}

/** One Kafka topic as the topics Job creates it. */
export interface KafkaTopic {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
}

/** What the partition count of a topic follows. */
export interface KafkaTopicSizing {
  /** Brokers of the cluster (sizing: blueprint.kafka.brokers). */
  readonly brokers: number;
  /** The most pods a service runs (its autoscaler's max, or its fixed replicas). */
  readonly maxPods: (service: string) => number;
}

/**
 * Each topic with its partitions and replication factor. A consumer group reads a partition with
 * one pod at most, so a topic has at least as many partitions as its largest consumer has pods
 * at its maximum, rounded up to a multiple of the brokers so leaders spread evenly, and at least
 * one per broker. Dead-letter topics and topics nobody consumes get one per broker. Replicas:
 * three where there are three brokers (`min(3, brokers)`, the cluster's default too).
 */
export function kafkaTopics(services: readonly ServiceDefinition[], sizing: KafkaTopicSizing): KafkaTopic[] {
  const { brokers } = sizing;
  const replicationFactor = Math.min(3, brokers);
  return kafkaTopicNames(services).map((name) => {
    const consumers = services.filter((s) => s.topics.consumes.includes(name));
    const pods = Math.max(0, ...consumers.map((s) => sizing.maxPods(s.name)));
    const partitions = Math.max(brokers, Math.ceil(pods / brokers) * brokers);
    return { name, partitions, replicationFactor };
  });
}

/** A service's RabbitMQ user: `service-<name>`, so no service name can be the admin's (`stagecraft-admin`). */
export function rabbitMqUsername(service: string): string {
  return `service-${service}`;
}

/** The RabbitMQ queue a consuming service reads a topic from. */
export function rabbitMqQueue(topic: string, service: string): string {
  return `${topic}.${service}`;
}

/** The exchanges (one per topic) and the queues bound to them (one per consumer of the topic). */
export function rabbitMqTopology(services: readonly ServiceDefinition[]): { exchanges: string[]; bindings: Array<{ exchange: string; queue: string }> } {
  const exchanges = sorted(services.flatMap(({ topics }) => [...topics.produces, ...topics.consumes]));
  const bindings = services
    .flatMap((s) => s.topics.consumes.map((topic) => ({ exchange: topic, queue: rabbitMqQueue(topic, s.name) })))
    .sort((a, b) => a.queue.localeCompare(b.queue));
  return { exchanges, bindings };
}

const escapeRegex = (name: string) => name.replace(/[.\\^$|?*+()[\]{}]/g, (c) => `\\${c}`);
/** A RabbitMQ permission pattern matching exactly `names` (`^$` matches no resource). */
export function exactly(names: readonly string[]): string {
  return names.length === 0 ? '^$' : `^(${names.map(escapeRegex).join('|')})$`;
}

/**
 * A service's permissions on the virtual host `/`: write (publish) to the exchanges of the topics
 * it produces, read (consume) its own queues, configure (declare or delete) nothing: the
 * bootstrap Job declares the topology.
 */
export function rabbitMqPermissions(service: ServiceDefinition): { configure: string; write: string; read: string } {
  return {
    configure: '^$',
    write: exactly(sorted(service.topics.produces)),
    read: exactly(sorted(service.topics.consumes.map((t) => rabbitMqQueue(t, service.name)))),
  };
}
