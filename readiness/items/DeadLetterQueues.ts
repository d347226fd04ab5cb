/**
 * Seed 004: dead-letter queues, so a poison message does not block a queue. RabbitMQ on Amazon MQ:
 * the AWS provider cannot set broker policies, so the apps stack runs a Job that applies a
 * dead-letter policy through the management API with the broker's secret (on traction's hosts, the
 * one-shot `rabbitmq-users` compose service of the release does). Kafka has no broker-side
 * dead letter: every consumer is told the topic suffix of its dead-letter topic.
 */
import { RABBITMQ_POLICY_ENV } from '../../services/platform/operations-jobs';
import { QUEUE_CONSUMES_ENV, QUEUE_CONSUMES_SUFFIX, queueVariablePrefix } from '../../services/platform/queue-topology';
import { RABBITMQ_USERS_SERVICE } from '../../services/host-rabbitmq-users';
import { RELEASE_COMPOSE_KEY, releaseComposeServices } from '../../policies/rules/request-path/host-compose';
import { appsStackOf, containerEnv, manifestsOf, regionalStacks } from '../lookups';
import { combine, held, ItemOutcome, missing, notApplicable, ReadinessItem } from '../types';

/** The consumers' environment variable that names the dead-letter topic suffix. */
export const KAFKA_DEAD_LETTER_ENV = 'KAFKA_DEAD_LETTER_TOPIC_SUFFIX';
/** The topics a client of both brokers consumes on Kafka. */
const KAFKA_CONSUMES_ENV = `${queueVariablePrefix('kafka')}${QUEUE_CONSUMES_SUFFIX}`;

export const DeadLetterQueues: ReadinessItem = {
  id: 'RDY-6',
  name: 'DeadLetterQueues',
  section: 'resilience',
  title: 'Dead-letter queues and policies, so poison messages do not block a queue',
  evaluate(environment) {
    const parts: ItemOutcome[] = [];
    for (const stack of regionalStacks(environment)) {
      const apps = appsStackOf(environment, stack);
      for (const broker of stack.resources('aws_mq_broker')) {
        const name = String(broker.values.broker_name ?? broker.address);
        const job = manifestsOf(apps, 'Job').find((j) => (containerEnv(j.manifest).get(RABBITMQ_POLICY_ENV) ?? '').includes('dead-letter-exchange'));
        // On hosts (traction) the one-shot rabbitmq-users compose service of the release applies it.
        const onHosts = stack
          .resources('aws_s3_object')
          .filter((o) => typeof o.values.key === 'string' && RELEASE_COMPOSE_KEY.test(o.values.key))
          .some((o) => (releaseComposeServices(o)?.[RABBITMQ_USERS_SERVICE]?.environment?.[RABBITMQ_POLICY_ENV] ?? '').includes('dead-letter-exchange'));
        parts.push(
          job
            ? held(`${name}: Job ${job.namespace}/${job.name} applies a dead-letter policy to every queue`)
            : onHosts
              ? held(`${name}: the hosts' one-shot ${RABBITMQ_USERS_SERVICE} service applies a dead-letter policy to every queue before the services start`)
              : missing(
                  `${name}: no Job in ${stack.name}-apps and no ${RABBITMQ_USERS_SERVICE} service of the hosts applies a RabbitMQ policy with a dead-letter-exchange (${RABBITMQ_POLICY_ENV})`,
                ),
        );
      }
      for (const cluster of stack.resources('aws_msk_cluster')) {
        const name = String(cluster.values.cluster_name ?? cluster.address);
        // Producers only (an empty QUEUE_TOPICS_CONSUMED, or KAFKA_TOPICS_CONSUMED for a client of both brokers) read nothing,
        // so they have nothing to dead-letter.
        const consumes = (env: Map<string, string>) => (env.get(QUEUE_CONSUMES_ENV) ?? env.get(KAFKA_CONSUMES_ENV) ?? '') !== '';
        const consumers = manifestsOf(apps, 'Deployment').filter(
          (d) => d.namespace === 'product' && containerEnv(d.manifest).has('KAFKA_BOOTSTRAP_BROKERS') && consumes(containerEnv(d.manifest)),
        );
        const untold = consumers.filter((d) => !containerEnv(d.manifest).has(KAFKA_DEAD_LETTER_ENV));
        if (consumers.length === 0) parts.push(missing(`${name}: no product service is connected to Kafka`));
        else if (untold.length > 0)
          parts.push(missing(`${name}: ${untold.map((d) => d.name).join(', ')} not told the dead-letter topic suffix (${KAFKA_DEAD_LETTER_ENV})`));
        else
          parts.push(
            held(`${name}: ${consumers.length} services publish poison messages to <topic>${containerEnv(consumers[0].manifest).get(KAFKA_DEAD_LETTER_ENV)}`),
          );
      }
    }
    return combine(parts, notApplicable('no message broker at this stage: background work runs in the application'));
  },
};
