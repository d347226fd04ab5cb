/**
 * One region at the reader's level: the entry (ALB or hosts), the cluster and its services,
 * and the data stores with their sizes. Sizes come from the synthesized JSON; where the JSON
 * does not carry them yet (pods and CockroachDB before the apps stack exists, Postgres and
 * Redis on the launch host) they come from the Blueprint, and the node says so.
 */
import { DataStoreKind } from '../config/service-definition';
import { POOLER_NAME } from '../config/pooler';
import { SizedEnvironment } from '../sizing/blueprint';
import { asNumber } from '../synthesis/values';
import { TopologyCollector } from './collector';
import { NodeKind } from './model';
import { first, ofType, qualified, referenced, RegionResources, StackResource } from './stacks';
import { KubernetesWorkload, kubernetesWorkloads, synthesizedAutoscaling } from './workloads';
import { addPlatformWorkloads } from './platform-workloads';
import { PRODUCT_NAMESPACE } from '../services/kubernetes/labels';

/** Default ports, used when a resource does not state its own. */
// MSK states no port: clients use IAM over TLS on 9098 (constructs/aws/kafka-cluster.ts, not imported: it loads the provider).
const PORTS = { postgres: 5432, redis: 6379, cockroach: 26257, kafkaIam: 9098 } as const;
// PgBouncer's port (services/kubernetes/pooler.ts, not imported: graph reads the JSON, not the builders).
const POOLER_PORT = 6432;

const range = (min: number, max: number) => (min === max ? `${min}` : `${min}–${max}`);

interface RegionContext {
  readonly collect: TopologyCollector;
  readonly region: RegionResources;
  readonly sized: SizedEnvironment;
  /** The group data stores and the entry are drawn in. */
  readonly group: string;
}

/** A data store (or other dependency) the services of the region connect to, with the edge label. */
export interface Dependency {
  readonly id: string;
  readonly label: string;
  /** The `dataStores` entries of a service this store serves (a broker: `queue` or its own name): the services that declare one get its edge. */
  readonly kinds: readonly DataStoreKind[];
}

function nodeId(ctx: RegionContext, name: string): string {
  return `${ctx.region.code}-${name}`;
}

function addNode(
  ctx: RegionContext,
  name: string,
  kind: NodeKind,
  label: string,
  detail: string | undefined,
  resources: readonly StackResource[],
  group = ctx.group,
): string {
  return ctx.collect.node({
    id: nodeId(ctx, name),
    kind,
    label,
    detail,
    group,
    source: resources.length > 0 ? 'synthesis' : 'blueprint',
    resources: resources.map(qualified),
  });
}

/** "readers autoscale 1–5 on RDSReaderAverageCPUUtilization 60", for the data stores an autoscaling target acts on. */
function autoscalingNote(ctx: RegionContext, prefix: string): string | undefined {
  const rule = synthesizedAutoscaling(ctx.region.code, ctx.region.resources).find((r) => r.target.startsWith(prefix));
  return rule && `${prefix.toLowerCase()} autoscale ${range(rule.min, rule.max)}`;
}

const withNote = (detail: string, note: string | undefined) => (note ? `${detail}, ${note}` : detail);

function addPostgres(ctx: RegionContext): Dependency[] {
  const { resources } = ctx.region;
  const instances = ofType(resources, 'aws_db_instance');
  if (instances.length > 0) {
    const replicas = instances.filter((i) => first(i.values, 'replicate_source_db') !== undefined);
    const primary = instances.find((i) => !replicas.includes(i)) ?? instances[0];
    const multiAz = first(primary.values, 'multi_az') === true;
    const label = replicas.length > 0 ? `RDS Postgres 1+${replicas.length}` : 'RDS Postgres';
    const detail = `${String(first(primary.values, 'instance_class'))}, ${multiAz ? 'Multi-AZ' : 'single-AZ'}`;
    const port = asNumber(first(primary.values, 'port')) ?? PORTS.postgres;
    return [{ id: addNode(ctx, 'postgres', 'database', label, detail, instances), label: `TCP ${port}`, kinds: ['database'] }];
  }
  const clusters = ofType(resources, 'aws_rds_cluster');
  if (clusters.length > 0) {
    const members = ofType(resources, 'aws_rds_cluster_instance');
    const perCluster = clusters.map((c) => members.filter((m) => referenced(resources, m, first(m.values, 'cluster_identifier')) === c).length);
    const readers = Math.max(0, Math.min(...perCluster) - 1);
    const shape = `1+${readers}`;
    const label = clusters.length > 1 ? `Aurora ${clusters.length} shards × ${shape}` : `Aurora ${shape}`;
    const detail = withNote(String(first(members[0]?.values, 'instance_class') ?? ''), autoscalingNote(ctx, 'Aurora readers'));
    const port = asNumber(first(clusters[0].values, 'port')) ?? PORTS.postgres;
    return [{ id: addNode(ctx, 'postgres', 'database', label, detail, [...clusters, ...members]), label: `TCP ${port}`, kinds: ['database'] }];
  }
  const postgres = ctx.sized.blueprint.postgres;
  if (postgres?.kind === 'on-host') {
    return [
      {
        id: addNode(ctx, 'postgres', 'database', 'Postgres on the host', `${postgres.storageGiB} GiB data volume`, []),
        label: `TCP ${PORTS.postgres}`,
        kinds: ['database'],
      },
    ];
  }
  return [];
}

/**
 * PgBouncer (components.postgres.pooler) in the cluster: the services that declare the database
 * reach it, and it reaches Postgres. Its pods come from its Deployment, else from the Blueprint.
 */
function addPooler(ctx: RegionContext, clusterGroup: string | undefined, postgres: readonly Dependency[]): Dependency[] | undefined {
  const size = ctx.sized.blueprint.pooler;
  if (!size || postgres.length === 0) return undefined;
  const deployment = kubernetesWorkloads(ctx.region.resources).find((w) => w.kind === 'Deployment' && w.namespace === 'product' && w.name === POOLER_NAME);
  const resources = deployment ? ctx.region.resources.filter((r) => qualified(r) === deployment.address) : [];
  const id = addNode(
    ctx,
    POOLER_NAME,
    'service',
    `PgBouncer ${deployment?.replicas ?? size.pods} pods`,
    `${size.poolMode} pooling, ${size.poolSize} server connections per user a pod`,
    resources,
    clusterGroup ?? ctx.group,
  );
  for (const database of postgres) ctx.collect.edge(id, database.id, database.label);
  return [{ id, label: `TCP ${POOLER_PORT}`, kinds: ['database'] }];
}

function addCockroach(ctx: RegionContext, clusterGroup: string | undefined): Dependency[] {
  // One StatefulSet per availability zone (a node's locality names its zone): the region's nodes are their sum.
  const statefulSets = kubernetesWorkloads(ctx.region.resources).filter((w) => w.kind === 'StatefulSet' && w.namespace === 'cockroachdb');
  const cockroach = ctx.sized.blueprint.cockroach;
  const managed = ctx.sized.blueprint.managedCockroach;
  if (managed) {
    // CockroachDB Cloud, outside the VPC: the region holds only its connection-string secret.
    const secrets = ofType(ctx.region.resources, 'aws_secretsmanager_secret').filter((r) => /cockroachdb-cloud/.test(r.address));
    const detail = managed.plan === 'dedicated' ? `dedicated, ${managed.nodesPerRegion ?? 0} nodes in this region` : 'serverless (request units)';
    return [
      { id: addNode(ctx, 'cockroach', 'database', 'CockroachDB Cloud', detail, secrets, ctx.group), label: `TLS ${PORTS.cockroach}`, kinds: ['database'] },
    ];
  }
  if (statefulSets.length === 0 && !cockroach) return [];
  const nodes = statefulSets.length > 0 ? statefulSets.reduce((sum, w) => sum + (w.replicas ?? w.autoscaler?.min ?? 1), 0) : (cockroach?.nodesPerRegion ?? 0);
  const addresses = new Set(statefulSets.map((w) => w.address));
  const resources = ctx.region.resources.filter((r) => addresses.has(qualified(r)));
  const detail = cockroach ? `${cockroach.instanceType}, ${cockroach.volumeGiB} GiB each` : undefined;
  return [
    {
      id: addNode(ctx, 'cockroach', 'database', `CockroachDB ${nodes} nodes`, detail, resources, clusterGroup ?? ctx.group),
      label: `TCP ${PORTS.cockroach}`,
      kinds: ['database'],
    },
  ];
}

function addRedis(ctx: RegionContext): Dependency[] {
  const groups = ofType(ctx.region.resources, 'aws_elasticache_replication_group');
  if (groups.length > 0) {
    const g = groups[0];
    const shards = asNumber(first(g.values, 'num_node_groups'));
    const replicas = asNumber(first(g.values, 'replicas_per_node_group')) ?? 0;
    const nodes = asNumber(first(g.values, 'num_cache_clusters')) ?? 1;
    const label =
      first(g.values, 'cluster_mode') === 'enabled' && shards !== undefined
        ? `Redis Cluster ${shards}×${1 + replicas}`
        : nodes > 1
          ? `Redis 1+${nodes - 1} with failover`
          : 'Redis single node';
    const detail = withNote(String(first(g.values, 'node_type')), autoscalingNote(ctx, 'Redis shards') ?? autoscalingNote(ctx, 'Redis replicas'));
    const port = asNumber(first(g.values, 'port')) ?? PORTS.redis;
    return [{ id: addNode(ctx, 'redis', 'cache', label, detail, groups), label: `TCP ${port}`, kinds: ['redis'] }];
  }
  if (ctx.sized.blueprint.redis.mode === 'on-host') {
    return [{ id: addNode(ctx, 'redis', 'cache', 'Redis on the host', undefined, []), label: `TCP ${PORTS.redis}`, kinds: ['redis'] }];
  }
  return [];
}

function addQueuesAndSearch(ctx: RegionContext): Dependency[] {
  const out: Dependency[] = [];
  const brokers = ofType(ctx.region.resources, 'aws_mq_broker');
  if (brokers.length > 0) {
    const b = brokers[0];
    const mode = first(b.values, 'deployment_mode') === 'CLUSTER_MULTI_AZ' ? 'cluster' : 'single';
    out.push({
      id: addNode(ctx, 'rabbitmq', 'queue', `RabbitMQ ${mode}`, String(first(b.values, 'host_instance_type')), brokers),
      label: 'AMQPS 5671',
      kinds: ['queue', 'rabbitmq'],
    });
  }
  const kafka = ofType(ctx.region.resources, 'aws_msk_cluster');
  if (kafka.length > 0) {
    const k = kafka[0];
    const label = `Kafka ${String(first(k.values, 'number_of_broker_nodes'))} brokers`;
    out.push({
      id: addNode(ctx, 'kafka', 'queue', label, String(first(k.values, 'broker_node_group_info.instance_type')), kafka),
      label: `IAM over TLS ${PORTS.kafkaIam}`,
      kinds: ['queue', 'kafka'],
    });
  }
  const search = ofType(ctx.region.resources, 'aws_opensearch_domain');
  if (search.length > 0) {
    const s = search[0];
    const masters =
      first(s.values, 'cluster_config.dedicated_master_enabled') === true
        ? `, ${String(first(s.values, 'cluster_config.dedicated_master_count'))} masters`
        : '';
    const label = `OpenSearch ${String(first(s.values, 'cluster_config.instance_count'))} data nodes`;
    out.push({
      id: addNode(ctx, 'search', 'search', label, `${String(first(s.values, 'cluster_config.instance_type'))}${masters}`, search),
      label: 'HTTPS 443',
      kinds: ['search'],
    });
  }
  return out;
}

/** What a bucket is for, from its construct id: `cockroachdb-backups_bucket_…` → "cockroachdb-backups". */
const bucketPurpose = (bucket: StackResource) => bucket.name.replace(/_bucket(_[0-9A-F]{8})?$/, '');

function addStorage(ctx: RegionContext): Dependency[] {
  const { resources } = ctx.region;
  const buckets = ofType(resources, 'aws_s3_bucket');
  if (buckets.length === 0) return [];
  const lifecycles = ofType(resources, 'aws_s3_bucket_lifecycle_configuration');
  // Tiered: a lifecycle rule of the bucket moves objects to a cheaper storage class.
  const tiered = (bucket: StackResource) =>
    lifecycles.some((l) => referenced(resources, l, first(l.values, 'bucket')) === bucket && first(l.values, 'rule.transition') !== undefined);
  const detail = buckets.map((b) => `${bucketPurpose(b)}${tiered(b) ? ' (tiered)' : ''}`).join(', ');
  return [{ id: addNode(ctx, 's3', 'storage', `S3 ×${buckets.length}`, detail, buckets), label: 'HTTPS', kinds: ['objectStorage'] }];
}

/** The ports the Cloudflare edge reaches the origin on, from the security group rules that admit it. */
function originLabel(resources: readonly StackResource[]): string | undefined {
  const ports = ofType(resources, 'aws_vpc_security_group_ingress_rule')
    .filter((r) => first(r.values, 'description') === 'Cloudflare edge')
    .map((r) => asNumber(first(r.values, 'from_port')))
    .filter((p): p is number => p !== undefined);
  const unique = [...new Set(ports)].sort((a, b) => a - b);
  return unique.length > 0 ? unique.map((p) => (p === 443 ? 'HTTPS 443' : p === 80 ? 'HTTP 80' : `TCP ${p}`)).join(' / ') : undefined;
}

/** A service node, and whether the load balancer sends it traffic. */
interface ServiceNode {
  readonly id: string;
  readonly public: boolean;
  /** The data stores it declares (its service file's `dataStores`). @default every store of the region (the hosts, a placeholder) */
  readonly stores?: readonly DataStoreKind[];
}

/** The stores the service named `name` declares; every store for a Deployment no service file names (a placeholder). */
function declaredStores(ctx: RegionContext, name: string): readonly DataStoreKind[] | undefined {
  return ctx.sized.environment.services.find((s) => s.name === name)?.dataStores;
}

/** Services from the apps stack's Deployments, else the Blueprint's pod ranges. */
function addServices(ctx: RegionContext, group: string, targetServices: ReadonlySet<string>): ServiceNode[] {
  const workloads = kubernetesWorkloads(ctx.region.resources);
  // PgBouncer is drawn between the services and Postgres (addPooler), not as a service.
  // The platform's workloads (other namespaces) are drawn with their own edges (platform-workloads.ts).
  const deployments = workloads.filter(
    (w) => w.kind === 'Deployment' && w.namespace === PRODUCT_NAMESPACE && !(ctx.sized.blueprint.pooler && w.name === POOLER_NAME),
  );
  if (deployments.length > 0) {
    // Jobs run on their schedule, never behind the load balancer.
    const jobs = workloads
      .filter((w) => w.kind === 'CronJob' && w.namespace === PRODUCT_NAMESPACE)
      .map((j) => ({
        id: addNode(
          ctx,
          `svc-${j.name}`,
          'service',
          `${j.name} on schedule`,
          `CronJob ${j.schedule}`,
          ctx.region.resources.filter((r) => qualified(r) === j.address),
          group,
        ),
        public: false,
        stores: declaredStores(ctx, j.name),
      }));
    // Behind the ALB: the services a target group is for (tag `stagecraft:service`); without such tags, those with a port.
    const behindAlb = (d: KubernetesWorkload) => (targetServices.size === 0 ? d.ports.length > 0 : targetServices.has(d.name));
    const anyBehind = deployments.some(behindAlb);
    return deployments
      .map((d) => {
        const pods = d.autoscaler ? `${range(d.autoscaler.min, d.autoscaler.max)} pods` : `${d.replicas ?? 1} pods`;
        const detail = d.autoscaler ? `HPA on ${d.autoscaler.trigger}` : 'fixed replicas';
        const id = addNode(
          ctx,
          `svc-${d.name}`,
          'service',
          `${d.name} ${pods}`,
          detail,
          ctx.region.resources.filter((r) => qualified(r) === d.address),
          group,
        );
        return { id, public: !anyBehind || behindAlb(d), stores: declaredStores(ctx, d.name) };
      })
      .concat(jobs);
  }
  const out: ServiceNode[] = [];
  const add = (name: string, label: string, detail: string, isPublic = true, stores?: readonly DataStoreKind[]) =>
    out.push({ id: addNode(ctx, name, 'service', label, detail, [], group), public: isPublic, stores });
  for (const service of ctx.sized.environment.services) {
    const pods = ctx.sized.blueprint.services?.[service.name];
    if (!pods) continue;
    add(
      `svc-${service.name}`,
      `${service.name} ${range(pods.min, pods.max)} pods`,
      `${pods.cpu} vCPU, ${pods.memoryGiB} GiB each`,
      service.ports.some((p) => p.public),
      service.dataStores,
    );
  }
  if (out.length === 0) add('svc', 'Services', 'pod counts not sized (no workload)');
  return out;
}

/** The EKS cluster as a group: "EKS general 3–4 × m6i.xlarge, cockroachdb 3–6 × m6i.4xlarge". */
function addClusterGroup(ctx: RegionContext): string | undefined {
  const clusters = ofType(ctx.region.resources, 'aws_eks_cluster');
  if (clusters.length === 0) return undefined;
  const pools = ofType(ctx.region.resources, 'aws_eks_node_group').map((g) => {
    const min = asNumber(first(g.values, 'scaling_config.min_size')) ?? 0;
    const max = asNumber(first(g.values, 'scaling_config.max_size')) ?? 0;
    const type = (first(g.values, 'instance_types') as string | undefined) ?? '?';
    return `${String(first(g.values, 'node_group_name') ?? g.name)} ${range(min, max)} × ${type}`;
  });
  return ctx.collect.group({ id: nodeId(ctx, 'eks'), label: `EKS ${pools.join(', ')}`, kind: 'cluster', parent: ctx.group });
}

function addHosts(ctx: RegionContext): string | undefined {
  const hosts = ofType(ctx.region.resources, 'aws_instance');
  if (hosts.length === 0) return undefined;
  const template = referenced(ctx.region.resources, hosts[0], first(hosts[0].values, 'launch_template.id'));
  const type = first(hosts[0].values, 'instance_type') ?? first(template?.values, 'instance_type') ?? '?';
  const label = hosts.length === 1 ? 'EC2 host' : `EC2 hosts ×${hosts.length}`;
  return addNode(ctx, 'hosts', 'compute', label, `${String(type)}, services in docker compose`, hosts);
}

/**
 * Adds one region. Returns the node the edge forwards to (ALB or hosts) and the edge label,
 * the CockroachDB node when there is one (for the cross-region links), and the region's data
 * stores (an edge-first service reaches the ones it declares from the edge).
 */
export function addRegion(
  collect: TopologyCollector,
  region: RegionResources,
  sized: SizedEnvironment,
): { entry?: string; originLabel?: string; cockroach?: string; dependencies: readonly Dependency[] } {
  const group = collect.group({ id: region.code, label: region.code, kind: 'region' });
  const ctx: RegionContext = { collect, region, sized, group };
  // The application load balancer only: a network load balancer (CockroachDB's joins) is not an entry.
  const balancers = ofType(region.resources, 'aws_lb').filter((lb) => (first(lb.values, 'load_balancer_type') ?? 'application') === 'application');
  const alb =
    balancers.length > 0
      ? addNode(ctx, 'alb', 'load-balancer', 'ALB', 'application load balancer', [
          ...balancers,
          ...ofType(region.resources, 'aws_lb_listener').filter((l) =>
            balancers.some((b) => b === referenced(region.resources, l, first(l.values, 'load_balancer_arn'))),
          ),
        ])
      : undefined;
  const hosts = addHosts(ctx);
  const clusterGroup = addClusterGroup(ctx);
  // The public services' target groups (the CockroachDB join group has no service tag).
  const targetGroups = ofType(region.resources, 'aws_lb_target_group').filter((g) => first(g.values, 'tags.stagecraft:service') !== undefined);
  const targetGroup = targetGroups[0];
  const targetPort = asNumber(first(targetGroup?.values, 'port'));
  const targetServices = new Set(targetGroups.map((g) => String(first(g.values, 'tags.stagecraft:service'))));
  const services = clusterGroup ? addServices(ctx, clusterGroup, targetServices) : hosts ? [{ id: hosts, public: true }] : [];
  const cockroach = addCockroach(ctx, clusterGroup);
  const postgres = addPostgres(ctx);
  const pooler = addPooler(ctx, clusterGroup, postgres);
  const others = [...cockroach, ...addRedis(ctx), ...addQueuesAndSearch(ctx), ...addStorage(ctx)];
  const dependencies = [...(pooler ?? postgres), ...others];
  const appPort = targetGroup ? `${String(first(targetGroup.values, 'protocol') ?? 'HTTP')} ${targetPort ?? ''}`.trimEnd() : 'HTTP';
  // Each service behind the ALB on its own target group's port (its node port on clusters).
  const portOf = (id: string) => {
    const group = targetGroups.find((g) => id === nodeId(ctx, `svc-${String(first(g.values, 'tags.stagecraft:service'))}`));
    return group ? `${String(first(group.values, 'protocol') ?? 'HTTP')} ${String(first(group.values, 'port') ?? '')}`.trimEnd() : appPort;
  };
  if (alb) for (const s of services.filter((s) => s.public)) collect.edge(alb, s.id, portOf(s.id));
  // Each service to the stores it declares; the hosts node runs every service, so it reaches every store.
  for (const s of services)
    for (const d of dependencies) if (s.stores === undefined || d.kinds.some((k) => s.stores!.includes(k))) collect.edge(s.id, d.id, d.label);
  // The platform's own workloads reach only what their specs and roles name (Postgres itself, not the pooler, for the database-users Job).
  if (clusterGroup) {
    const stores = [...postgres, ...others].map((d) => ({ id: d.id, label: d.label, resources: collect.nodes.find((n) => n.id === d.id)?.resources ?? [] }));
    addPlatformWorkloads(collect, region, { region: group, cluster: clusterGroup }, stores);
  }
  return { entry: alb ?? hosts, originLabel: originLabel(region.resources), cockroach: cockroach[0]?.id, dependencies };
}

/** VPC peering connections of a region, as the peer regions they reach. */
export function peerRegions(region: RegionResources): string[] {
  return ofType(region.resources, 'aws_vpc_peering_connection').flatMap((p) => {
    const peer = first(p.values, 'peer_region');
    return typeof peer === 'string' ? [peer] : [];
  });
}
