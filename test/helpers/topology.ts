/**
 * What a stage's diagram must show, derived from the environment and its Blueprint (not from
 * the graph code): the region groups, the edge pieces and the sized component labels.
 */
import { DataStoreKind } from '../../config/service-definition';
import { readSynthesis } from '../../synthesis/read';
import { Synthesis } from '../../synthesis/stack-views';
import { sizeEnvironments, SizedEnvironment } from '../../sizing/blueprint';
import { edgeFeatures } from '../../stacks/edge-stack';
import { ExampleSynthesis } from './examples';
import { appliedObjects } from './kubernetes-typed';

export interface ExpectedTopology {
  readonly regions: readonly string[];
  /** Labels of the edge nodes on the request path, in order. */
  readonly edgePath: readonly string[];
  /** Entry node of every region: "ALB" on cluster stages, the hosts otherwise. */
  readonly entry: string;
  /** Service labels per region code (pods on cluster stages). */
  readonly services: Readonly<Record<string, readonly string[]>>;
  /** Data store labels per region, with the port the services reach each on. */
  readonly stores: ReadonlyArray<{ readonly label: string; readonly port: string; readonly kind: DataStoreKind }>;
  /** Label of the EKS group, when there is a cluster. */
  readonly cluster?: string;
}

const range = (min: number, max: number) => (min === max ? `${min}` : `${min}–${max}`);

interface Manifest {
  kind?: string;
  metadata?: { name?: string };
  spec?: { replicas?: number; minReplicas?: number; maxReplicas?: number; scaleTargetRef?: { name?: string } };
}

/**
 * "<name> <min>–<max> pods" for every Deployment of an apps stack (the range of the HPA that
 * targets it, else its replicas); undefined when the synthesis has no apps stack for the region.
 */
function deploymentLabels(synthesis: Synthesis | undefined, stack: string): string[] | undefined {
  const json = synthesis?.stacks.find((s) => s.name === stack)?.json as { resource?: Record<string, Record<string, unknown>> } | undefined;
  const manifests = appliedObjects(json) as Manifest[];
  const deployments = manifests.filter((m) => m.kind === 'Deployment');
  if (deployments.length === 0) return undefined;
  return deployments.map((d) => {
    const hpa = manifests.find((m) => m.kind === 'HorizontalPodAutoscaler' && m.spec?.scaleTargetRef?.name === d.metadata?.name);
    return `${d.metadata?.name} ${hpa ? range(hpa.spec?.minReplicas ?? 1, hpa.spec?.maxReplicas ?? 1) : (d.spec?.replicas ?? 1)} pods`;
  });
}

/** Expectations from the environment and its Blueprint; services from the apps stack's Deployments once `synthesis` has them. */
export function expectedTopology({ environment, blueprint: b }: SizedEnvironment, synthesis?: Synthesis): ExpectedTopology {
  const features = edgeFeatures(environment);
  const edgePath = [
    'DNS',
    ...(features.waf ? ['WAF', 'Rate limits'] : []),
    ...(features.worker ? ['Workers'] : []),
    ...(features.cdn ? ['CDN cache'] : []),
    ...(features.loadBalancer ? ['Load balancer'] : []),
  ];
  const hostsLabel = b.hosts && (b.hosts.count === 1 ? 'EC2 host' : `EC2 hosts ×${b.hosts.count}`);
  const stores: Array<{ label: string; port: string; kind: DataStoreKind }> = [];
  const pg = b.postgres;
  if (pg?.kind === 'on-host') stores.push({ label: 'Postgres on the host', port: 'TCP 5432', kind: 'database' });
  if (pg?.kind === 'rds')
    stores.push({ label: pg.readReplicas > 0 ? `RDS Postgres 1+${pg.readReplicas}` : 'RDS Postgres', port: 'TCP 5432', kind: 'database' });
  if (pg?.kind === 'aurora')
    stores.push({
      label: pg.shards > 1 ? `Aurora ${pg.shards} shards × 1+${pg.readReplicas}` : `Aurora 1+${pg.readReplicas}`,
      port: 'TCP 5432',
      kind: 'database',
    });
  if (b.cockroach) stores.push({ label: `CockroachDB ${b.cockroach.nodesPerRegion} nodes`, port: 'TCP 26257', kind: 'database' });
  const redis = b.redis;
  const redisLabel = {
    'on-host': 'Redis on the host',
    single: 'Redis single node',
    replicated: `Redis 1+${redis.replicasPerShard} with failover`,
    cluster: `Redis Cluster ${redis.shards}×${1 + redis.replicasPerShard}`,
  }[redis.mode];
  stores.push({ label: redisLabel, port: 'TCP 6379', kind: 'redis' });
  if (b.rabbitmq) stores.push({ label: `RabbitMQ ${b.rabbitmq.deployment}`, port: 'AMQPS 5671', kind: 'queue' });
  if (b.kafka) stores.push({ label: `Kafka ${b.kafka.brokers} brokers`, port: 'IAM over TLS 9098', kind: 'queue' });
  if (b.search) stores.push({ label: `OpenSearch ${b.search.dataNodes} data nodes`, port: 'HTTPS 443', kind: 'search' });
  return {
    regions: environment.regions.map((r) => r.code),
    edgePath,
    entry: b.cluster ? 'ALB' : (hostsLabel ?? '?'),
    services: Object.fromEntries(
      environment.regions.map(({ code }) => [
        code,
        !b.cluster
          ? [hostsLabel ?? '?']
          : (deploymentLabels(synthesis, `${environment.name}-${code}-apps`) ??
            Object.entries(b.services ?? {}).map(([name, pods]) => `${name} ${range(pods.min, pods.max)} pods`)),
      ]),
    ),
    stores,
    cluster: b.cluster && `${range(b.cluster.nodes.min, b.cluster.nodes.max)} × ${b.cluster.instanceType}`,
  };
}

/** The example synthesis as `graph` reads it, with every environment sized. */
export function graphInputs(examples: ExampleSynthesis): { synthesis: Synthesis; sized: ReturnType<typeof sizeEnvironments> } {
  return {
    synthesis: readSynthesis(examples.outdir, { command: 'test', flag: '--from', given: examples.outdir }),
    sized: sizeEnvironments(examples.environments),
  };
}
