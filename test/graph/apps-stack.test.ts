/**
 * The graph reads what the apps stack and application autoscaling add to the synthesis
 * (Deployments with HPAs, the CockroachDB StatefulSet, aws_appautoscaling_*), and falls back
 * to the Blueprint only where they are absent. Fixtures in those shapes are added to the
 * example synthesis.
 */
import { defaultNodePort } from '../../config/service-definition';
import { buildTopology } from '../../graph/build';
import { environmentResources } from '../../graph/stacks';
import { environmentAutoscaling } from '../../graph/workloads';
import { Synthesis, SynthesizedStack } from '../../synthesis/stack-views';
import { SizedEnvironment } from '../../sizing/blueprint';
import { synthesizeExamples } from '../helpers/examples';
import { kubernetesSchemaReport, KubernetesObjectLike } from '../helpers/kubernetes';
import { graphInputs } from '../helpers/topology';
import { typedResources } from '../helpers/kubernetes-typed';

let base: Synthesis;
let sized: SizedEnvironment[];

beforeAll(() => {
  const inputs = graphInputs(synthesizeExamples());
  sized = inputs.sized;
  // The fixtures stand in for the apps stacks: any the examples already synthesize are left out.
  base = { label: 'examples without apps stacks', stacks: inputs.synthesis.stacks.filter((s) => !s.name.endsWith('-apps')) };
});

const deployment = (name: string, replicas?: number, port?: number): KubernetesObjectLike & Record<string, unknown> => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'product' },
  spec: {
    ...(replicas === undefined ? {} : { replicas }),
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        containers: [
          {
            name,
            image: `registry.example/${name}:1`,
            ...(port === undefined ? {} : { ports: [{ name: 'http', containerPort: port }] }),
            resources: { requests: { cpu: '1', memory: '2Gi' } },
          },
        ],
      },
    },
  },
});

const hpa = (name: string, min: number, max: number, cpuPercent: number): KubernetesObjectLike & Record<string, unknown> => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name, namespace: 'product' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
    minReplicas: min,
    maxReplicas: max,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: cpuPercent } } }],
  },
});

/** One StatefulSet per availability zone, as the CockroachDB tier is laid out. */
const statefulSet = (replicas: number, zone = 'a'): KubernetesObjectLike & Record<string, unknown> => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: `cockroachdb-${zone}`, namespace: 'cockroachdb' },
  spec: {
    replicas,
    serviceName: 'cockroachdb',
    selector: { matchLabels: { app: 'cockroachdb' } },
    template: { metadata: { labels: { app: 'cockroachdb' } }, spec: { containers: [{ name: 'cockroachdb', image: 'cockroachdb/cockroach:v25.2.0' }] } },
  },
});

function appsStack(name: string, objects: ReadonlyArray<Record<string, unknown>>): SynthesizedStack {
  return { name, json: { resource: typedResources(objects) } };
}

/** `base` with `extra` stacks added and resources merged into existing stacks. */
function withFixtures(extra: readonly SynthesizedStack[], merged: Record<string, Record<string, Record<string, unknown>>> = {}, stack = ''): Synthesis {
  const stacks = base.stacks.map((s) => {
    if (s.name !== stack) return s;
    const resource = { ...s.json.resource, ...merged };
    return { name: s.name, json: { ...s.json, resource } };
  });
  return { label: 'fixture', stacks: [...stacks, ...extra] };
}

test('the fixtures are valid Kubernetes objects', () => {
  expect(
    kubernetesSchemaReport([
      deployment('api', undefined, 8080),
      hpa('api', 3, 12, 70),
      deployment('websocket-gateway', 4, 8080),
      deployment('delivery-worker', 2, 8081),
      statefulSet(5),
    ]),
  ).toEqual([]);
});

describe('scale with an apps stack and Aurora/Redis application autoscaling', () => {
  let synthesis: Synthesis;
  let scale: SizedEnvironment;
  let region: string;

  beforeAll(() => {
    scale = sized.find((s) => s.environment.stage === 'scale')!;
    region = scale.environment.regions[0].code;
    const regional = `${scale.environment.name}-${region}`;
    const resources = base.stacks.find((s) => s.name === regional)!.json.resource as Record<string, Record<string, unknown>>;
    const aurora = Object.keys(resources.aws_rds_cluster)[0];
    const redis = Object.keys(resources.aws_elasticache_replication_group)[0];
    synthesis = withFixtures(
      [
        appsStack(`${regional}-apps`, [
          deployment('api', undefined, 8080),
          hpa('api', 3, 12, 70),
          deployment('websocket-gateway', 4, 8080),
          deployment('delivery-worker', 2, 8081),
        ]),
      ],
      {
        aws_appautoscaling_target: {
          'aurora-readers': {
            service_namespace: 'rds',
            resource_id: `cluster:\${aws_rds_cluster.${aurora}.cluster_identifier}`,
            scalable_dimension: 'rds:cluster:ReadReplicaCount',
            min_capacity: 2,
            max_capacity: 5,
          },
          'redis-shards': {
            service_namespace: 'elasticache',
            resource_id: `replication-group:\${aws_elasticache_replication_group.${redis}.replication_group_id}`,
            scalable_dimension: 'elasticache:replication-group:NodeGroups',
            min_capacity: 3,
            max_capacity: 6,
          },
        },
        aws_appautoscaling_policy: {
          'aurora-readers-cpu': {
            name: 'aurora-readers-cpu',
            policy_type: 'TargetTrackingScaling',
            resource_id: '${aws_appautoscaling_target.aurora-readers.resource_id}',
            scalable_dimension: '${aws_appautoscaling_target.aurora-readers.scalable_dimension}',
            service_namespace: '${aws_appautoscaling_target.aurora-readers.service_namespace}',
            target_tracking_scaling_policy_configuration: {
              target_value: 60,
              predefined_metric_specification: { predefined_metric_type: 'RDSReaderAverageCPUUtilization' },
            },
          },
        },
      },
      regional,
    );
  });

  test('services come from the Deployments, with the HPA range where there is one; the ALB reaches those with ports', () => {
    const topology = buildTopology(synthesis, scale);
    const services = topology.nodes.filter((n) => n.kind === 'service' && n.group === `${region}-eks`);
    expect(services.map((n) => [n.label, n.detail, n.source])).toEqual([
      ['api 3–12 pods', 'HPA on cpu 70%', 'synthesis'],
      ['websocket-gateway 4 pods', 'fixed replicas', 'synthesis'],
      ['delivery-worker 2 pods', 'fixed replicas', 'synthesis'],
    ]);
    const alb = topology.nodes.find((n) => n.group === region && n.label === 'ALB')!;
    // The ALB reaches the services its target groups are for, each on its node port.
    expect(topology.edges.filter((e) => e.from === alb.id).map((e) => [topology.nodes.find((n) => n.id === e.to)!.label, e.label])).toEqual([
      ['api 3–12 pods', `HTTP ${defaultNodePort('api', 'http')}`],
      ['websocket-gateway 4 pods', `HTTP ${defaultNodePort('websocket-gateway', 'http')}`],
    ]);
    const redis = topology.nodes.find((n) => n.label.startsWith('Redis'))!;
    for (const s of services) expect(topology.edges).toContainEqual({ from: s.id, to: redis.id, label: 'TCP 6379' });
  });

  test('data stores show the ranges their application autoscaling targets allow', () => {
    const topology = buildTopology(synthesis, scale);
    expect(topology.nodes.find((n) => n.label.startsWith('Aurora'))?.detail).toMatch(/aurora readers autoscale 2–5$/);
    expect(topology.nodes.find((n) => n.label.startsWith('Redis'))?.detail).toMatch(/redis shards autoscale 3–6$/);
  });

  test('autoscaling rules: the HPA, the application autoscaling targets with their policy, the node group; no Blueprint fallback', () => {
    const rules = environmentAutoscaling(environmentResources(synthesis, scale.environment), scale);
    const nodes = scale.blueprint.cluster!.nodes;
    expect(rules.map((r) => [r.target, r.min, r.max, r.trigger, r.source])).toEqual([
      ['Deployment product/api', 3, 12, 'cpu 70%', 'synthesis'],
      [expect.stringMatching(/^Aurora readers of .*-aurora$/), 2, 5, 'RDSReaderAverageCPUUtilization 60', 'synthesis'],
      [expect.stringMatching(/^Redis shards of .*-redis$/), 3, 6, 'no policy', 'synthesis'],
      ['EKS node group general', nodes.min, nodes.max, 'pending pods (cluster autoscaler)', 'synthesis'],
    ]);
  });

  test('without the apps stack the pod ranges come from the Blueprint, marked as such', () => {
    const rules = environmentAutoscaling(environmentResources(base, scale.environment), scale);
    const services = Object.entries(scale.blueprint.services!);
    expect(services.length).toBe(scale.environment.services.length);
    expect(rules.filter((r) => r.source === 'blueprint').map((r) => [r.target, r.min, r.max, r.trigger])).toEqual(
      services.map(([name, pods]) => [`${name} pods`, pods.min, pods.max, `${pods.driver} demand`]),
    );
  });
});

test('massive: the CockroachDB StatefulSets of each apps stack (one per zone) replace the Blueprint node count', () => {
  const massive = sized.find((s) => s.environment.stage === 'massive')!;
  const perZone = [2, 2, 1];
  const replicas = perZone.reduce((a, b) => a + b, 0);
  const synthesis = withFixtures(
    massive.environment.regions.map((r) =>
      appsStack(
        `${massive.environment.name}-${r.code}-apps`,
        perZone.map((n, i) => statefulSet(n, 'abc'[i])),
      ),
    ),
  );
  const topology = buildTopology(synthesis, massive);
  const cockroach = topology.nodes.filter((n) => n.label.startsWith('CockroachDB'));
  expect(cockroach.map((n) => [n.group, n.label, n.source])).toEqual(
    massive.environment.regions.map((r) => [`${r.code}-eks`, `CockroachDB ${replicas} nodes`, 'synthesis']),
  );
  expect(topology.edges.filter((e) => e.label === 'Raft 26257 over VPC peering')).toHaveLength(3);
});
