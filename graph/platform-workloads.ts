/**
 * The platform's own workloads in a region's cluster (everything outside the product namespace:
 * the cluster autoscaler, the OpenTelemetry collector, the operations Jobs, CockroachDB), each with
 * edges only to what it talks to (issue 18: every platform pod was drawn with an edge to every data
 * store). What a workload talks to is read from what was synthesized, never from a list kept here:
 * - the references in its pod spec (containers' and init containers' `env`, `command`, `args`)
 *   that lead, through the regional stack's outputs, to a data store: the database-users Job's
 *   `DATABASE_HOSTS`, the RabbitMQ Jobs' management console URL, the search Job's endpoint, the
 *   kafka-topics Job's cluster ARN. A reference to a store's ARN is a call to the store's AWS API;
 *   to a URL, HTTPS; to an address or endpoint, the store's own protocol and port. A reference to
 *   a store's secret is a credential, read from Secrets Manager (below), not a connection.
 * - the inline policies of the IAM role its service account gets from an EKS Pod Identity
 *   association: a statement that allows a store's own API on that store (`kafka-cluster:*` on the
 *   MSK cluster, `s3:*` on a bucket) is an edge to the store; every other AWS service it may call is
 *   an edge to the region's "AWS APIs" node (the cluster autoscaler: Auto Scaling, EC2, EKS; the
 *   collector: X-Ray, CloudWatch Logs).
 * A workload in the namespace of a node already drawn (CockroachDB's Jobs beside its StatefulSets)
 * adds its edges to that node.
 */
import { podSpecOf, SecretAwareObject } from '../synthesis/kubernetes-secrets';
import { apiObjectOfResource } from '../synthesis/kubernetes-objects';
import { decodePolicy, statements, stringList } from '../synthesis/policy-document';
import { asNumber, record } from '../synthesis/values';
import { PRODUCT_NAMESPACE } from '../services/kubernetes/labels';
import { TopologyCollector } from './collector';
import { first, ofType, qualified, RegionResources, StackResource } from './stacks';

/** A data store node of the region: its id, the label of a connection to it, and the resources it stands for. */
export interface StoreNode {
  readonly id: string;
  readonly label: string;
  readonly resources: readonly string[];
}

/** Per store resource type: the IAM action prefixes of its own API, and the API's name. */
const STORE_APIS: Readonly<Record<string, { readonly prefixes: readonly string[]; readonly name: string }>> = {
  aws_msk_cluster: { prefixes: ['kafka-cluster', 'kafka'], name: 'MSK' },
  aws_s3_bucket: { prefixes: ['s3'], name: 'S3' },
  aws_opensearch_domain: { prefixes: ['es'], name: 'OpenSearch Service' },
  aws_db_instance: { prefixes: ['rds-db', 'rds'], name: 'RDS' },
  aws_rds_cluster: { prefixes: ['rds-db', 'rds'], name: 'RDS' },
  aws_elasticache_replication_group: { prefixes: ['elasticache'], name: 'ElastiCache' },
  aws_mq_broker: { prefixes: ['mq'], name: 'Amazon MQ' },
};

/** The arguments that name a store in its ARN. */
const NAME_ATTRIBUTES = ['bucket', 'cluster_name', 'domain_name', 'broker_name', 'cluster_identifier', 'identifier', 'replication_group_id'] as const;

/** How an IAM action prefix is named on the "AWS APIs" edge. */
const SERVICE_NAMES: Readonly<Record<string, string>> = {
  autoscaling: 'Auto Scaling',
  ec2: 'EC2',
  eks: 'EKS',
  xray: 'X-Ray',
  logs: 'CloudWatch Logs',
  cloudwatch: 'CloudWatch',
  secretsmanager: 'Secrets Manager',
  kms: 'KMS',
  sts: 'STS',
  s3: 'S3',
};

/** How the "AWS APIs" edge names the service of an IAM action prefix (`autoscaling` → "Auto Scaling"). */
export const awsServiceName = (prefix: string): string => SERVICE_NAMES[prefix] ?? prefix;

/** The label of an edge to the store's AWS API. */
export const apiLabel = (type: string): string => `${STORE_APIS[type]?.name ?? type} API, HTTPS 443`;

const CROSS_STACK = /\$\{data\.terraform_remote_state\.cross-stack-reference-input-([A-Za-z0-9_-]+?)\.outputs\.([A-Za-z0-9_-]+)\}/g;
const REFERENCE = /\$\{([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)/g;

/** A resource a string refers to, with the attribute it reads (`address`, `arn`, `instances[0].console_url`). */
interface Reference {
  readonly address: string;
  readonly type: string;
  readonly attribute: string;
}

/** Every `${type.name.attr}` in `text`, in `stack`; cross-stack references followed to the stack whose output they read. */
function referencesIn(region: RegionResources, stack: string, text: string): Reference[] {
  const found: Reference[] = [];
  for (const [, source, output] of text.matchAll(CROSS_STACK)) {
    const value = region.outputs.get(source)?.[output];
    if (typeof value === 'string') found.push(...referencesIn(region, source, value));
  }
  for (const [, type, name, path] of text.replace(CROSS_STACK, '').matchAll(REFERENCE)) {
    if (type !== 'data') found.push({ address: `${stack}:${type}.${name}`, type, attribute: path.replace(/^\./, '') });
  }
  return found;
}

/** The strings of a pod spec a process reads: each container's command, args and environment values. */
function podStrings(object: SecretAwareObject): string[] {
  const pod = podSpecOf(object);
  const containers = [pod?.initContainers, pod?.containers].flatMap((list) => (Array.isArray(list) ? list : [])).map((c) => record(c) ?? {});
  return containers.flatMap((c) => [
    ...[c.command, c.args].flatMap((list) => (Array.isArray(list) ? list.filter((s): s is string => typeof s === 'string') : [])),
    ...(Array.isArray(c.env) ? c.env : []).map((e) => record(e)?.value).filter((v): v is string => typeof v === 'string'),
  ]);
}

/** One platform workload as the graph draws it. */
interface PlatformWorkload {
  readonly object: SecretAwareObject;
  readonly resource: StackResource;
  readonly namespace: string;
  /** The name without a Job's hash (`app.kubernetes.io/name`). */
  readonly name: string;
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

/** The region's workloads outside the product namespace. */
function platformWorkloads(region: RegionResources): PlatformWorkload[] {
  return region.resources.flatMap((resource) => {
    const object = apiObjectOfResource(resource) as SecretAwareObject | undefined;
    if (!object || !WORKLOAD_KINDS.has(object.kind)) return [];
    const namespace = object.metadata.namespace ?? 'default';
    if (namespace === PRODUCT_NAMESPACE) return [];
    const labels = record(record(object.metadata)?.labels);
    const named = labels?.['app.kubernetes.io/name'];
    return [{ object, resource, namespace, name: typeof named === 'string' ? named : object.metadata.name }];
  });
}

/** An edge a workload's synthesized spec or role shows: to a store node, or the AWS services it calls. */
type Talk = { readonly store: string; readonly label: string } | { readonly services: readonly string[]; readonly policy: string };

/** The stores and AWS services the IAM role of `workload`'s service account lets it call. */
function roleTalks(region: RegionResources, workload: PlatformWorkload, storeOf: (address: string) => StoreNode | undefined): Talk[] {
  const serviceAccount = podSpecOf(workload.object)?.serviceAccountName;
  const associations = ofType(region.resources, 'aws_eks_pod_identity_association').filter(
    (a) => first(a.values, 'namespace') === workload.namespace && first(a.values, 'service_account') === serviceAccount,
  );
  const roles = new Set(associations.flatMap((a) => referencesIn(region, a.stack, String(first(a.values, 'role_arn') ?? '')).map((r) => r.address)));
  const policies = ofType(region.resources, 'aws_iam_role_policy').filter((p) =>
    referencesIn(region, p.stack, String(first(p.values, 'role') ?? '')).some((r) => roles.has(r.address)),
  );
  // A literal ARN names its store by name: `arn:aws:s3:::<bucket>/*`, `arn:aws:kafka:…:topic/<cluster name>/…`.
  const named = new Map(
    region.resources
      .filter((r) => STORE_APIS[r.type] !== undefined)
      .flatMap((r) =>
        NAME_ATTRIBUTES.map((a) => first(r.values, a)).flatMap((n) => (typeof n === 'string' && !n.includes('${') ? [[n, qualified(r)] as const] : [])),
      ),
  );
  const talks: Talk[] = [];
  for (const policy of policies) {
    const decoded = decodePolicy(first(policy.values, 'policy'));
    if (!('document' in decoded)) continue;
    for (const statement of statements(decoded.document)) {
      if (statement.Effect !== 'Allow') continue;
      const prefixes = [...new Set(stringList(statement.Action).map((a) => a.split(':')[0]))];
      const targets = stringList(statement.Resource).flatMap((text) => {
        const literal = /^arn:[^:]+:[^:]+:[^:]*:[^:]*:(.+)$/.exec(text)?.[1];
        const addresses =
          literal !== undefined && !text.includes('${')
            ? literal.split(/[/:]/).map((token) => named.get(token))
            : referencesIn(region, policy.stack, text).map((r) => r.address);
        return addresses.flatMap((address) => {
          const store = address === undefined ? undefined : storeOf(address);
          const type = address?.split(':')[1]?.split('.')[0] ?? '';
          return store ? [{ store, type }] : [];
        });
      });
      const others: string[] = [];
      for (const prefix of prefixes) {
        const own = targets.filter((t) => STORE_APIS[t.type]?.prefixes.includes(prefix));
        if (own.length > 0) for (const t of own) talks.push({ store: t.store.id, label: apiLabel(t.type) });
        else others.push(awsServiceName(prefix));
      }
      if (others.length > 0) talks.push({ services: others, policy: qualified(policy) });
    }
  }
  return talks;
}

/** The stores a workload's pod spec points it at. */
function specTalks(region: RegionResources, workload: PlatformWorkload, storeOf: (address: string) => StoreNode | undefined): Talk[] {
  return podStrings(workload.object).flatMap((text) =>
    referencesIn(region, workload.resource.stack, text).flatMap((ref): Talk[] => {
      const store = storeOf(ref.address);
      if (!store || /secret/.test(ref.attribute)) return [];
      const label = /^arn$/.test(ref.attribute) ? apiLabel(ref.type) : /url/.test(ref.attribute) ? 'HTTPS 443' : store.label;
      return [{ store: store.id, label }];
    }),
  );
}

/**
 * Draws the region's platform workloads in `clusterGroup` with their edges. Returns nothing; the
 * "AWS APIs" node is added in the region's group when a workload calls an AWS service that is not
 * one of the drawn stores.
 */
export function addPlatformWorkloads(
  collect: TopologyCollector,
  region: RegionResources,
  groups: { readonly region: string; readonly cluster: string },
  stores: readonly StoreNode[],
): void {
  const storeOf = (address: string) => stores.find((s) => s.resources.includes(address));
  const nodeOfResource = (address: string) => collect.nodes.find((n) => n.resources.includes(address))?.id;
  const workloads = platformWorkloads(region);
  // A namespace whose workloads are already drawn as one node (CockroachDB) adds its other workloads' edges to it.
  const namespaceNode = new Map<string, string>();
  for (const w of workloads) {
    const node = nodeOfResource(qualified(w.resource));
    if (node) namespaceNode.set(w.namespace, node);
  }
  const apiCalls: Array<{ from: string; services: readonly string[]; policy: string }> = [];
  const drawn = new Map<string, string>();
  for (const w of workloads) {
    let id = namespaceNode.get(w.namespace) ?? drawn.get(`${w.namespace}/${w.name}`);
    if (!id) {
      const replicas = asNumber(record(w.object.spec)?.replicas);
      const isJob = w.object.kind === 'Job';
      id = collect.node({
        id: `${region.code}-svc-${w.name}`,
        kind: 'service',
        label: isJob ? `${w.name} Job` : `${w.name} ${replicas ?? 1} pods`,
        detail: isJob ? `runs at deploy (${w.namespace})` : `${w.object.kind}, fixed replicas (${w.namespace})`,
        group: groups.cluster,
        source: 'synthesis',
        resources: [qualified(w.resource)],
      });
      drawn.set(`${w.namespace}/${w.name}`, id);
    }
    for (const talk of [...specTalks(region, w, storeOf), ...roleTalks(region, w, storeOf)]) {
      if ('store' in talk) {
        if (talk.store !== id) collect.edge(id, talk.store, talk.label);
      } else apiCalls.push({ from: id, services: talk.services, policy: talk.policy });
    }
  }
  if (apiCalls.length === 0) return;
  const all = [...new Set(apiCalls.flatMap((c) => c.services))].sort();
  const apis = collect.node({
    id: `${region.code}-aws-apis`,
    kind: 'api',
    label: 'AWS APIs',
    detail: all.join(', '),
    group: groups.region,
    source: 'synthesis',
    // The role policies that allow the calls.
    resources: [...new Set(apiCalls.map((c) => c.policy))],
  });
  const byWorkload = new Map<string, Set<string>>();
  for (const call of apiCalls) for (const s of call.services) (byWorkload.get(call.from) ?? byWorkload.set(call.from, new Set()).get(call.from)!).add(s);
  for (const [from, services] of byWorkload) collect.edge(from, apis, `${[...services].sort().join(', ')}, HTTPS 443`);
}
