/**
 * Kafka and RabbitMQ together (issue 18 item 4): the collaboration suite's api names the broker of
 * each topic (document events on Kafka, tasks on RabbitMQ), and every consumer of that follows.
 * The synthesized output is read as AWS and RabbitMQ would read it: the IAM actions on the topic
 * ARNs a role may use, the permission patterns the rabbitmq-users Job puts for each broker user
 * (regular expressions, matched against real queue names), the topics the kafka-topics Job
 * creates, the exchanges and queues it declares, the pods' variables and NetworkPolicies; then
 * the request-path rules find a credential and a network path per broker, and name the broker
 * when one link is taken away. The example runs here in one region (the second is a copy).
 */
import { stackViews, Synthesis } from '../../synthesis/stack-views';
import { DataStoreCredential } from '../../policies/rules/request-path/DataStoreCredential';
import { DataStoreNetworkPath } from '../../policies/rules/request-path/DataStoreNetworkPath';
import { StackRule } from '../../policies/types';
import { Environment } from '../../config/environment';
import { sizeEnvironments } from '../../sizing/blueprint';
import { buildTopology } from '../../graph/build';
import { synthesizeCollaborationInOneRegion } from '../helpers/collaboration';

const REGIONAL = 'collab-prod-us-east-1';
const APPS = `${REGIONAL}-apps`;

type Json = { resource: Record<string, Record<string, Record<string, unknown>>> };
interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
}

let synthesis: Synthesis;
let environment: Environment;
beforeAll(() => {
  ({ environment, synthesis } = synthesizeCollaborationInOneRegion());
}, 120_000);

const json = (s: Synthesis, name: string) => s.stacks.find((st) => st.name === name)!.json as Json;
const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

/** The Allow statements of a service role's data-store policy. */
function statementsOf(service: string, s = synthesis): Statement[] {
  const [, policy] = Object.entries(json(s, REGIONAL).resource.aws_iam_role_policy).find(([name]) => name.startsWith(`service-${service}_data-stores`))!;
  return (JSON.parse(String(policy.policy)) as { Statement: Statement[] }).Statement;
}

/** What `service`'s role may do with `action` on the resources matching `on`, as IAM evaluates ARNs (the `*` is a wildcard). */
function allowed(service: string, action: string, arn: string): boolean {
  const matches = (pattern: string) =>
    new RegExp(
      `^${pattern
        .split('*')
        .map((p) => p.replace(/[.?+^$|()[\]{}\\/]/g, '\\$&'))
        .join('.*')}$`,
    ).test(arn);
  return statementsOf(service).some((s) => s.Effect === 'Allow' && list(s.Action).includes(action) && list(s.Resource).some(matches));
}

/** A container's variables in a Deployment of the apps stack. */
function envOf(service: string): Record<string, string> {
  const [, deployment] = Object.entries(json(synthesis, APPS).resource.kubernetes_deployment_v1).find(([name]) => name.startsWith(`service-${service}_`))!;
  const spec = (deployment.spec as { template: { spec: { container: Array<{ env?: Array<{ name: string; value?: string }> }> } } }).template.spec;
  return Object.fromEntries(spec.container[0].env!.map((e) => [e.name, e.value ?? '']));
}

/** An operations Job's script and variables. */
function job(prefix: string): { script: string; env: Record<string, string> } {
  const [, resource] = Object.entries(json(synthesis, APPS).resource.kubernetes_job_v1).find(([name]) => name.startsWith(`operations_job-${prefix}-`))!;
  const container = (resource.spec as { template: { spec: { container: Array<{ command: string[]; env: Array<{ name: string; value: string }> }> } } }).template
    .spec.container[0];
  return { script: container.command.join('\n'), env: Object.fromEntries(container.env.map((e) => [e.name, e.value])) };
}

/** The permissions the rabbitmq-users Job puts for `user`, as RabbitMQ receives them. */
function permissionsOf(user: string): { configure: RegExp; write: RegExp; read: RegExp } {
  const { script, env } = job('rabbitmq-users');
  const variable = new RegExp(`^put_user '${user}' "\\$RABBITMQ_USER_SECRET_\\d+" "\\$(RABBITMQ_PERMISSIONS_\\d+)"$`, 'm').exec(script)![1];
  const p = JSON.parse(env[variable]) as Record<'configure' | 'write' | 'read', string>;
  return { configure: new RegExp(p.configure), write: new RegExp(p.write), read: new RegExp(p.read) };
}

describe('a service of both brokers (examples/collaboration api)', () => {
  const kafkaTopic = (topic: string) => `arn:aws:kafka:us-east-1:111122223333:topic/collab-prod-us-east-1-kafka/6f1e0d4c-uuid/${topic}`;

  it('may write its Kafka topic and nothing of the RabbitMQ one on MSK', () => {
    expect(allowed('api', 'kafka-cluster:WriteData', kafkaTopic('document-events'))).toBe(true);
    expect(allowed('api', 'kafka-cluster:DescribeTopic', kafkaTopic('document-events'))).toBe(true);
    expect(allowed('api', 'kafka-cluster:WriteData', kafkaTopic('tasks'))).toBe(false);
    expect(allowed('api', 'kafka-cluster:ReadData', kafkaTopic('document-events'))).toBe(false);
    // Its RabbitMQ password secret, and no other broker secret.
    const secrets = statementsOf('api').filter((s) => list(s.Action).includes('secretsmanager:GetSecretValue'));
    const brokerSecrets = secrets.flatMap((s) => list(s.Resource)).filter((r) => r.includes('rabbitmq'));
    expect(brokerSecrets).toHaveLength(1);
    // By the ARN built from its secret's name, known at plan time (issue 14, item 4).
    const [name] = Object.entries(json(synthesis, REGIONAL).resource.aws_secretsmanager_secret)
      .filter(([id]) => id.startsWith('rabbitmq-user-api_'))
      .map(([, secret]) => String(secret.name));
    expect(brokerSecrets).toEqual([`arn:aws:secretsmanager:us-east-1:111122223333:secret:${name}-??????`]);
  });

  it('gets its own RabbitMQ user, which may publish to tasks only and read and configure nothing', () => {
    const api = permissionsOf('service-api');
    expect(['tasks', 'document-events', 'tasksX', 'xtasks'].filter((e) => api.write.test(e))).toEqual(['tasks']);
    expect(['tasks.task-worker', 'tasks', ''].filter((q) => api.read.test(q) || api.configure.test(q))).toEqual(['']);
  });

  it('leaves the consumer of one broker as it was: task-worker reads its own queue, escaped, and has no MSK action', () => {
    const worker = permissionsOf('service-task-worker');
    // `.` in `tasks.task-worker` is escaped: `tasksXtask-worker` would match an unescaped pattern.
    expect(['tasks.task-worker', 'tasksXtask-worker', 'tasks.api', 'tasks'].filter((q) => worker.read.test(q))).toEqual(['tasks.task-worker']);
    expect(worker.write.test('tasks')).toBe(false);
    expect(statementsOf('task-worker').some((s) => list(s.Action).some((a) => a.startsWith('kafka-cluster:')))).toBe(false);
    expect(envOf('task-worker')).toMatchObject({
      QUEUE_KIND: 'rabbitmq',
      QUEUE_USERNAME: 'service-task-worker',
      QUEUE_TOPICS_CONSUMED: 'tasks',
      QUEUE_TOPICS_PRODUCED: '',
    });
  });

  it('puts each topic on its broker: the kafka-topics Job creates the Kafka topics, the users Job declares the RabbitMQ ones', () => {
    const topics = job('kafka-topics')
      .env.KAFKA_TOPICS.split('\n')
      .map((line) => line.split(' ')[0]);
    expect(topics).toEqual(['document-events', 'document-events.dlq']);
    const { script } = job('rabbitmq-users');
    expect([...script.matchAll(/\/api\/exchanges\/%2F\/([^"]+)"/g)].map((m) => m[1])).toEqual(['tasks']);
    expect([...script.matchAll(/\/api\/queues\/%2F\/([^"]+)"/g)].map((m) => m[1])).toEqual(['tasks.task-worker']);
    expect([...script.matchAll(/^put_user '([^']+)'/gm)].map((m) => m[1])).toEqual(['service-api', 'service-task-worker']);
  });

  it("names each broker's variables by the broker, and no QUEUE_* that would name two", () => {
    const env = envOf('api');
    expect(Object.keys(env).filter((k) => k.startsWith('QUEUE_'))).toEqual([]);
    expect(env).toMatchObject({
      KAFKA_AUTH: 'iam',
      KAFKA_CONSUMER_GROUP: 'api',
      KAFKA_TOPICS_PRODUCED: 'document-events',
      KAFKA_TOPICS_CONSUMED: '',
      RABBITMQ_USERNAME: 'service-api',
      RABBITMQ_TOPICS_PRODUCED: 'tasks',
      RABBITMQ_TOPICS_CONSUMED: '',
    });
    expect(env.KAFKA_BOOTSTRAP_BROKERS).toContain('kafka');
    expect(env.RABBITMQ_ENDPOINT).toContain('rabbitmq');
    expect(env.RABBITMQ_SECRET_ARN).toContain('rabbitmq-user-api');
  });

  it('is drawn with an edge to each broker, and each client of one broker with an edge to that one', () => {
    const topology = buildTopology(synthesis, sizeEnvironments([environment])[0]);
    const label = (id: string) => topology.nodes.find((n) => n.id === id)!.label;
    const brokersOf = (service: string) => {
      const node = topology.nodes.find((n) => n.kind === 'service' && n.label.startsWith(`${service} `))!;
      return topology.edges
        .filter((e) => e.from === node.id && topology.nodes.find((n) => n.id === e.to)!.kind === 'queue')
        .map((e) => `${label(e.to).split(' ')[0]} ${e.label}`);
    };
    expect(brokersOf('api')).toEqual(['RabbitMQ AMQPS 5671', 'Kafka IAM over TLS 9098']);
    expect(brokersOf('task-worker')).toEqual(['RabbitMQ AMQPS 5671']);
    expect(brokersOf('event-consumer')).toEqual(['Kafka IAM over TLS 9098']);
    expect(brokersOf('web')).toEqual([]);
  });

  it('is let out to both brokers by its NetworkPolicy', () => {
    const [, policy] = Object.entries(json(synthesis, APPS).resource.kubernetes_network_policy_v1).find(([name]) => name.startsWith('service-api_'))!;
    const ports = (policy.spec as { egress: Array<{ ports: Array<{ port: string }> }> }).egress.flatMap((e) => e.ports.map((p) => Number(p.port)));
    expect(ports).toEqual(expect.arrayContaining([5671, 9098]));
  });
});

describe('the request-path rules on a service of both brokers', () => {
  /** The synthesis with `change` applied to one stack's JSON (a deep copy). */
  const changed = (stackName: string, change: (j: Json) => void): Synthesis => ({
    ...synthesis,
    stacks: synthesis.stacks.map((s) => {
      if (s.name !== stackName) return s;
      const copy = JSON.parse(JSON.stringify(s.json)) as Json;
      change(copy);
      return { ...s, json: copy };
    }),
  });
  const failures = (rule: StackRule, s: Synthesis, stackName: string) =>
    rule
      .evaluate(stackViews(s).find((v) => v.name === stackName)!)
      .flatMap((o) => (o.status === 'non-compliant' || o.status === 'could-not-evaluate' ? [o.message] : []));

  it('find a credential and a network path for each broker', () => {
    expect(failures(DataStoreCredential, synthesis, REGIONAL)).toEqual([]);
    expect(failures(DataStoreNetworkPath, synthesis, APPS)).toEqual([]);
  });

  it('name the broker whose credential is taken away', () => {
    const noKafkaWrite = changed(REGIONAL, (j) => {
      const [, policy] = Object.entries(j.resource.aws_iam_role_policy).find(([name]) => name.startsWith('service-api_data-stores'))!;
      const document = JSON.parse(String(policy.policy)) as { Statement: Statement[] };
      document.Statement = document.Statement.filter((s) => s.Sid !== 'WriteItsTopics');
      policy.policy = JSON.stringify(document);
    });
    expect(failures(DataStoreCredential, noKafkaWrite, REGIONAL)).toEqual([
      `service api → kafka (stack ${REGIONAL}): its role may not kafka-cluster:DescribeTopic on the topic document-events it produces`,
    ]);
    const noPublish = changed(APPS, (j) => {
      const [, resource] = Object.entries(j.resource.kubernetes_job_v1).find(([name]) => name.startsWith('operations_job-rabbitmq-users-'))!;
      const container = (resource.spec as { template: { spec: { container: Array<{ env: Array<{ name: string; value: string }> }> } } }).template.spec
        .container[0];
      for (const e of container.env) if (e.value.includes('"write":"^(tasks)$"')) e.value = e.value.replace('^(tasks)$', '^$');
    });
    expect(failures(DataStoreCredential, noPublish, REGIONAL)).toEqual([
      `service api → rabbitmq (stack ${REGIONAL}): its broker user service-api may not publish to the exchange tasks it produces (write ^$)`,
    ]);
  });

  it('name the broker whose network path is taken away', () => {
    const noAmqps = changed(APPS, (j) => {
      const [, policy] = Object.entries(j.resource.kubernetes_network_policy_v1).find(([name]) => name.startsWith('service-api_'))!;
      const spec = policy.spec as { egress: Array<{ ports: Array<{ port: string }> }> };
      spec.egress = spec.egress.filter((e) => !e.ports.some((p) => p.port === '5671'));
    });
    expect(failures(DataStoreNetworkPath, noAmqps, APPS)).toEqual([
      `NetworkPolicy egress: no policy lets api out to port 5671 (service api, data store queue (RabbitMQ), stack ${APPS})`,
    ]);
  });
});
