/**
 * Workers scaled on their queue's backlog (issue 18 item 2), as the collaboration example
 * synthesizes them: task-worker on its RabbitMQ queue `tasks.task-worker`, event-consumer on its
 * Kafka consumer group's lag on `document-events`. Read from the synthesized JSON as the cluster
 * and IAM would read it: the workers' Deployments leave the count to the queue-scaler (no
 * `replicas`, no HPA, the annotation naming it), the scaler's targets name the queue and the group
 * each worker really reads (the group it is given as KAFKA_CONSUMER_GROUP), its Role may get and
 * patch the scale of exactly those Deployments, its Pod Identity role may call GetMetricData alone;
 * and the guardrails find nothing to say. The example runs here in one region.
 */
import { stackResources, Synthesis } from '../../synthesis/stack-views';
import { QUEUE_SCALER_TARGETS_ENV, QUEUE_SCALING_ANNOTATION } from '../../services/platform/queue-scaler';
import { checkSynthesis } from '../../policies/engine';
import { synthesizeCollaborationInOneRegion } from '../helpers/collaboration';
import { synthesizedAutoscaling } from '../../graph/workloads';
import { environmentViews } from '../../readiness/engine';
import { runbooksOf } from '../../readiness/runbooks';

const REGIONAL = 'collab-prod-us-east-1';
const APPS = `${REGIONAL}-apps`;

type Json = { resource: Record<string, Record<string, Record<string, unknown>>> };
type Container = { env?: Array<{ name: string; value?: string }> };

let synthesis: Synthesis;
beforeAll(() => {
  synthesis = synthesizeCollaborationInOneRegion().synthesis;
}, 120_000);

const json = (name: string) => synthesis.stacks.find((st) => st.name === name)!.json as Json;
const resourcesOf = (stack: string, type: string) => Object.entries(json(stack).resource[type] ?? {});

const named =
  (name: string) =>
  ([, r]: [string, Record<string, unknown>]) =>
    (r.metadata as { name: string }).name === name;

function deploymentOf(name: string): { metadata: { annotations?: Record<string, string> }; spec: Record<string, unknown> } {
  const [, resource] = resourcesOf(APPS, 'kubernetes_deployment_v1').find(named(name))!;
  return resource as never;
}

const envOf = (deployment: string): Record<string, string> => {
  const spec = deploymentOf(deployment).spec as { template: { spec: { container: Container[] } } };
  return Object.fromEntries(spec.template.spec.container[0].env!.map((e) => [e.name, e.value ?? '']));
};

describe('workers scaled on their queue (examples/collaboration)', () => {
  it.each(['task-worker', 'event-consumer'])('%s: no replicas, no HPA, the queue-scaler named on its Deployment', (worker) => {
    const deployment = deploymentOf(worker);
    expect(deployment.spec.replicas).toBeUndefined();
    const hpas = resourcesOf(APPS, 'kubernetes_horizontal_pod_autoscaler_v2').map(([, r]) => (r.metadata as { name: string }).name);
    expect(hpas).not.toContain(worker);
    expect(hpas).toContain('api');
    const annotation = JSON.parse(deployment.metadata.annotations![QUEUE_SCALING_ANNOTATION]) as Record<string, unknown>;
    expect(annotation.scaler).toBe('queue-scaler/queue-scaler');
  });

  it("reads each worker's own queue and its own consumer group, the ones the worker is given", () => {
    const lines = envOf('queue-scaler')[QUEUE_SCALER_TARGETS_ENV];
    const targets = lines.split('\n').map((line) => line.split(' '));
    const byName = Object.fromEntries(targets.map(([name, ...rest]) => [name, rest]));
    expect(Object.keys(byName).sort()).toEqual(['event-consumer', 'task-worker']);
    // task-worker: 2–20 pods from its file, 50 waiting tasks per pod, its queue on the region's broker.
    expect(byName['task-worker']).toEqual(['2', '20', '50', 'rabbitmq:collab-prod-us-east-1-rabbitmq:tasks.task-worker']);
    // event-consumer: a minute of its demand's rate per pod (1,000 messages/s × 60 s), the group named after it.
    const [, , target, ...sources] = byName['event-consumer'];
    expect(target).toBe('60000');
    const group = envOf('event-consumer').KAFKA_CONSUMER_GROUP;
    expect(sources).toEqual([`kafka:collab-prod-us-east-1-kafka:${group}:document-events`]);
    // The Broker and Cluster Name dimensions are the names the regional stack gives them.
    const broker = resourcesOf(REGIONAL, 'aws_mq_broker')[0][1];
    expect(broker.broker_name).toBe('collab-prod-us-east-1-rabbitmq');
    const cluster = resourcesOf(REGIONAL, 'aws_msk_cluster')[0][1];
    expect(cluster.cluster_name).toBe('collab-prod-us-east-1-kafka');
  });

  it('may get and patch the scale of exactly the queue-scaled Deployments, and read CloudWatch metrics only', () => {
    const [, role] = resourcesOf(APPS, 'kubernetes_role_v1').find(named('queue-scaler'))!;
    expect((role.metadata as { namespace: string }).namespace).toBe('product');
    expect(role.rule).toEqual([
      { api_groups: ['apps'], resources: ['deployments/scale'], resource_names: ['event-consumer', 'task-worker'], verbs: ['get', 'patch'] },
    ]);
    const [, policy] = resourcesOf(REGIONAL, 'aws_iam_role_policy').find(([name]) => name.startsWith('queue-scaler-read-backlog'))!;
    expect(JSON.parse(String(policy.policy))).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'ReadQueueBacklogMetrics', Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' }],
    });
    const associations = resourcesOf(REGIONAL, 'aws_eks_pod_identity_association').map(([, r]) => `${String(r.namespace)}/${String(r.service_account)}`);
    expect(associations).toContain('queue-scaler/queue-scaler');
  });

  it('shows in the graph and the report as what scales the workers, with their range and target', () => {
    const stack = synthesis.stacks.find((st) => st.name === APPS)!;
    const rules = synthesizedAutoscaling(
      'us-east-1',
      stackResources(stack.json).map((r) => ({ ...r, stack: APPS })),
    );
    expect(rules.filter((r) => /task-worker|event-consumer/.test(r.target)).map((r) => `${r.target} ${r.min}–${r.max}: ${r.trigger}`)).toEqual([
      expect.stringMatching(/^Deployment product\/event-consumer \d+–\d+: queue backlog 60000 per pod \(queue-scaler\/queue-scaler\)$/),
      'Deployment product/task-worker 2–20: queue backlog 50 per pod (queue-scaler/queue-scaler)',
    ]);
  });

  it("gives the queue-backlog runbook the workers' counts and the queue-scaler's log", () => {
    const [environment] = environmentViews(synthesis);
    const backlog = runbooksOf(environment).find((b) => b.scenario === 'queue backlog')!;
    expect(backlog.resources).toEqual(expect.arrayContaining(['event-consumer', 'task-worker']));
    expect(backlog.commands).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/-n product get deployment task-worker$/),
        expect.stringMatching(/-n queue-scaler logs deployment\/queue-scaler --tail=40 {3}# backlog, pods, decision per worker$/),
      ]),
    );
  });

  it('passes the guardrails: no error, no warning', () => {
    const { findings } = checkSynthesis(synthesis);
    expect(findings.map((f) => `${f.ruleId} ${f.stack} ${f.address}: ${f.message}`)).toEqual([]);
  });
});
