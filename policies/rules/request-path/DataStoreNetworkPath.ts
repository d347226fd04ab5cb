/**
 * Every service on a cluster has a network path to each data store it declares: its NetworkPolicy
 * lets it out to the store's port (to the store's subnets, or to the store's pods for CockroachDB),
 * and, for a store AWS runs in the VPC, the store's security group admits the nodes' security group
 * (the one pods carry) on that port. What a service declares is read from its Deployment: the
 * environment variables that point it at a store (`DATABASE_HOST`, `REDIS_HOST`, `QUEUE_ENDPOINT` or
 * `RABBITMQ_ENDPOINT`, `KAFKA_BOOTSTRAP_BROKERS` (a client of both brokers has both), `SEARCH_ENDPOINT`, `ASSETS_BUCKET`, from
 * constructs/shared/data-store-endpoints.ts). S3 has no fixed address: its path is the shared HTTPS
 * egress outside the VPC. The first missing link is reported, with the service, the store and the stack.
 */
import type { ManifestView } from '../../../synthesis/kubernetes-objects';
import { record } from '../../../synthesis/values';
import { ResourceView, StackOutcome, StackRule, StackView } from '../../types';
import { manifestsOf } from '../../../synthesis/kubernetes-objects';
import { container, coversPort, items, podLabels, policiesFor, productAppsStack, rulePorts, selects } from './links';

/** The listener ports of the stores whose port no environment variable gives (constructs/aws/rabbitmq-broker.ts, kafka-cluster.ts). */
export const STORE_PORTS = { rabbitmqAmqps: 5671, kafkaIam: 9098, https: 443 } as const;

/** One store a service declares, as its Deployment shows it. */
interface DeclaredStore {
  readonly kind: string;
  readonly port: number;
  /** In the cluster (CockroachDB): reached through the pods' NetworkPolicy alone. */
  readonly inCluster: boolean;
  /** Where the store's security groups are, as `[resource type, attribute path]`; none for S3. */
  readonly groups: ReadonlyArray<readonly [string, string]>;
}

function declaredStores(env: Map<string, string>): DeclaredStore[] {
  const stores: DeclaredStore[] = [];
  const host = env.get('DATABASE_HOST');
  if (host !== undefined) {
    stores.push({
      kind: 'database',
      port: Number(env.get('DATABASE_PORT')),
      inCluster: host.endsWith('.svc.cluster.local'),
      groups: [
        ['aws_db_instance', 'vpc_security_group_ids'],
        ['aws_rds_cluster', 'vpc_security_group_ids'],
      ],
    });
  }
  if (env.has('REDIS_HOST'))
    stores.push({
      kind: 'redis',
      port: Number(env.get('REDIS_PORT')),
      inCluster: false,
      groups: [['aws_elasticache_replication_group', 'security_group_ids']],
    });
  // QUEUE_ENDPOINT for a client of RabbitMQ alone, RABBITMQ_ENDPOINT for a client of both brokers.
  if (env.has('QUEUE_ENDPOINT') || env.has('RABBITMQ_ENDPOINT'))
    stores.push({ kind: 'queue (RabbitMQ)', port: STORE_PORTS.rabbitmqAmqps, inCluster: false, groups: [['aws_mq_broker', 'security_groups']] });
  if (env.has('KAFKA_BOOTSTRAP_BROKERS')) {
    stores.push({
      kind: 'queue (Kafka)',
      port: STORE_PORTS.kafkaIam,
      inCluster: false,
      groups: [['aws_msk_cluster', 'broker_node_group_info.security_groups']],
    });
  }
  if (env.has('SEARCH_ENDPOINT'))
    stores.push({ kind: 'search', port: STORE_PORTS.https, inCluster: false, groups: [['aws_opensearch_domain', 'vpc_options.security_group_ids']] });
  if (env.has('ASSETS_BUCKET')) stores.push({ kind: 'objectStorage', port: STORE_PORTS.https, inCluster: false, groups: [] });
  return stores;
}

/** The missing link between a service and one store, or undefined. */
function missingLink(apps: StackView, regional: StackView, deployment: ManifestView, store: DeclaredStore): string | undefined {
  const egress = policiesFor(apps, deployment).flatMap((p) => items(p.manifest, 'spec.egress'));
  const out = egress.some((rule) => rulePorts(rule).includes(store.port) && items(rule, 'to').length > 0);
  if (!out) return `NetworkPolicy egress: no policy lets ${deployment.name} out to port ${store.port}`;
  if (store.inCluster || store.groups.length === 0) return undefined;

  const stores = store.groups.flatMap(([type, path]) => regional.resources(type).map((r) => ({ r, path })));
  if (stores.length === 0) return `data store: ${regional.name} has no ${store.groups.map(([type]) => type).join(' or ')}`;
  const storeGroups = new Set(
    stores.flatMap(({ r, path }) =>
      items(r.values, path)
        .map((g) => regional.referenced(g))
        .filter((g): g is ResourceView => g !== undefined),
    ),
  );
  const admitted = regional
    .resources('aws_vpc_security_group_ingress_rule')
    .some(
      (rule) =>
        storeGroups.has(regional.referenced(rule.values.security_group_id)!) &&
        regional.referenced(rule.values.referenced_security_group_id)?.type === 'aws_eks_cluster' &&
        coversPort(rule, store.port),
    );
  if (!admitted)
    return `security group rule: no rule admits the nodes' security group to ${[...storeGroups].map((g) => g.address).join(', ')} on port ${store.port}`;
  return undefined;
}

/**
 * A database host in the cluster that is a product Deployment (PgBouncer, components.postgres.pooler):
 * its NetworkPolicy admits the service on the pooler's port, and the pooler itself has the path to
 * the databases it forwards to (the ports of its pgbouncer.ini, the databases' security groups).
 */
function poolerLink(apps: StackView, regional: StackView, service: ManifestView, pooler: ManifestView, port: number): string | undefined {
  const labels = podLabels(service);
  const ingress = policiesFor(apps, pooler).flatMap((p) => items(p.manifest, 'spec.ingress'));
  const admitted = ingress.some(
    (rule) =>
      rulePorts(rule).includes(port) &&
      items(rule, 'from').some((peer) => record(peer)?.podSelector !== undefined && selects(record(peer)?.podSelector, labels)),
  );
  if (!admitted) return `NetworkPolicy ingress: no policy of ${pooler.name} admits ${service.name} on port ${port}`;
  const config = manifestsOf(apps, 'ConfigMap').find((c) => c.namespace === pooler.namespace && c.name === pooler.name);
  const ports = [...String(record(config?.manifest.data)?.['pgbouncer.ini'] ?? '').matchAll(/ port=(\d+) /g)].map((m) => Number(m[1]));
  if (ports.length === 0) return `${pooler.name}: no ConfigMap ${pooler.name} with a pgbouncer.ini that names the databases`;
  for (const upstream of [...new Set(ports)]) {
    const missing = missingLink(apps, regional, pooler, {
      kind: 'database',
      port: upstream,
      inCluster: false,
      groups: [
        ['aws_db_instance', 'vpc_security_group_ids'],
        ['aws_rds_cluster', 'vpc_security_group_ids'],
      ],
    });
    if (missing) return `${pooler.name} → database: ${missing}`;
  }
  return undefined;
}

export const DataStoreNetworkPath: StackRule = {
  id: 'SC-REQ-2',
  name: 'DataStoreNetworkPath',
  family: 'request-path',
  scope: 'stack',
  description:
    "Every service on a cluster reaches each data store it declares: its NetworkPolicy lets it out to the store's port, and the store's security group admits the nodes' security group on that port; behind PgBouncer, the pooler's NetworkPolicy admits the service and the pooler has that path to every database it forwards to.",
  evaluate(stack) {
    const context = productAppsStack(stack);
    if ('outcome' in context) return [context.outcome];
    const { deployments, regional } = context;
    const outcomes: StackOutcome[] = [];
    for (const deployment of [...deployments.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      const env = new Map(
        items(container(deployment), 'env')
          .map(record)
          .filter((e): e is Record<string, unknown> => typeof e?.name === 'string' && typeof e.value === 'string')
          .map((e) => [String(e.name), String(e.value)]),
      );
      for (const store of declaredStores(env)) {
        const pooler = store.kind === 'database' && store.inCluster ? deployments.get((env.get('DATABASE_HOST') ?? '').split('.')[0]) : undefined;
        const missing = missingLink(stack, regional, deployment, store) ?? (pooler && poolerLink(stack, regional, deployment, pooler, store.port));
        const address = deployment.resource.address;
        outcomes.push(
          missing === undefined
            ? { status: 'compliant', address }
            : { status: 'non-compliant', address, message: `${missing} (service ${deployment.name}, data store ${store.kind}, stack ${stack.name})` },
        );
      }
    }
    return outcomes.length > 0 ? outcomes : [{ status: 'not-applicable', reason: 'no service declares a data store' }];
  },
};
