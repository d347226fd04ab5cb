/**
 * The queue topology derived from the services' topics: Kafka topics sized from the brokers and
 * the consumers' largest pod counts, RabbitMQ permissions that match exactly a service's own
 * exchanges and queues, and the Jobs that apply them.
 */
import { ServiceDefinition } from '../../../config/service-definition';
import { exactly, kafkaTopicNames, kafkaTopics, rabbitMqPermissions, rabbitMqTopology, rabbitMqUsername } from '../../../services/platform/queue-topology';
import { KAFKA_TOPICS_ENV, kafkaTopicsObjects, rabbitMqUsersObjects } from '../../../services/platform/operations-jobs';

const service = (name: string, consumes: string[], produces: string[]) => ({ name, topics: { consumes, produces } }) as unknown as ServiceDefinition;
const services = [service('api', [], ['messages', 'uploads']), service('moderation', ['messages', 'uploads'], []), service('analytics', ['events'], [])];

describe('Kafka topics', () => {
  it('are every produced and consumed topic, and the dead-letter topic of each consumed one', () => {
    expect(kafkaTopicNames(services)).toEqual(['events', 'events.dlq', 'messages', 'messages.dlq', 'uploads', 'uploads.dlq']);
  });

  it('get at least one partition per consumer pod, a multiple of the brokers, and min(3, brokers) replicas', () => {
    const maxPods = (name: string) => ({ moderation: 10, analytics: 2 })[name] ?? 1;
    const topics = kafkaTopics(services, { brokers: 3, maxPods });
    const byName = Object.fromEntries(topics.map((t) => [t.name, [t.partitions, t.replicationFactor]]));
    expect(byName).toEqual({
      events: [3, 3],
      'events.dlq': [3, 3],
      messages: [12, 3],
      'messages.dlq': [3, 3],
      uploads: [12, 3],
      'uploads.dlq': [3, 3],
    });
    expect(kafkaTopics(services, { brokers: 2, maxPods }).find((t) => t.name === 'messages')).toEqual({
      name: 'messages',
      partitions: 10,
      replicationFactor: 2,
    });
  });

  it('are created by a Job named after them, which lists each with its sizes', () => {
    const topics = kafkaTopics(services, { brokers: 3, maxPods: () => 1 });
    const [account, job] = kafkaTopicsObjects({ region: 'us-east-1', clusterArn: 'arn:aws:kafka:us-east-1:1:cluster/x/y', topics });
    expect(account.kind).toBe('ServiceAccount');
    expect(job.metadata.name).toMatch(/^kafka-topics-[0-9a-f]{8}$/);
    const env = JSON.stringify(job);
    expect(env).toContain(JSON.stringify({ name: KAFKA_TOPICS_ENV, value: topics.map((t) => `${t.name} ${t.partitions} ${t.replicationFactor}`).join('\n') }));
    const other = kafkaTopicsObjects({ region: 'us-east-1', clusterArn: 'arn:aws:kafka:us-east-1:1:cluster/x/y', topics: topics.slice(1) })[1];
    expect(other.metadata.name).not.toBe(job.metadata.name);
  });
});

describe('RabbitMQ users', () => {
  it('may publish to their produced topics and consume their own queues, and configure nothing', () => {
    expect(rabbitMqPermissions(services[0])).toEqual({ configure: '^$', write: '^(messages|uploads)$', read: '^$' });
    expect(rabbitMqPermissions(services[1])).toEqual({ configure: '^$', write: '^$', read: '^(messages\\.moderation|uploads\\.moderation)$' });
  });

  it('match exactly their names as RabbitMQ reads the patterns (a dot is not any character)', () => {
    const pattern = new RegExp(exactly(['messages.moderation']));
    expect(pattern.test('messages.moderation')).toBe(true);
    expect(pattern.test('messagesXmoderation')).toBe(false);
    expect(pattern.test('messages.moderation.extra')).toBe(false);
  });

  it('are never the admin user, whatever the service is called', () => {
    expect(rabbitMqUsername('stagecraft-admin')).toBe('service-stagecraft-admin');
  });

  it('are put by a Job that declares an exchange per topic and a queue per consumer, with no password in the manifest', () => {
    const topology = rabbitMqTopology(services);
    expect(topology).toEqual({
      exchanges: ['events', 'messages', 'uploads'],
      bindings: [
        { exchange: 'events', queue: 'events.analytics' },
        { exchange: 'messages', queue: 'messages.moderation' },
        { exchange: 'uploads', queue: 'uploads.moderation' },
      ],
    });
    const objects = rabbitMqUsersObjects({
      region: 'us-east-1',
      consoleUrl: 'https://b-1.mq.us-east-1.amazonaws.com',
      username: 'stagecraft-admin',
      passwordSecretArn: 'arn:admin',
      topology,
      users: services.map((s, i) => ({ user: rabbitMqUsername(s.name), passwordSecretArn: `arn:secret-${i}`, permissions: rabbitMqPermissions(s) })),
    });
    const text = JSON.stringify(objects);
    for (const s of services) expect(text).toContain(`put_user '${rabbitMqUsername(s.name)}'`);
    expect(text).toContain('/api/bindings/%2F/e/messages/q/messages.moderation');
    expect(text).not.toMatch(/"password":"[0-9a-f]{8,}/);
  });
});
