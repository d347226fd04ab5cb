/**
 * The platform's own workloads in the component diagram (issue 18): the cluster autoscaler, the
 * OpenTelemetry collector, the operations Jobs and CockroachDB are drawn with edges only to what
 * they can reach, in every example environment (the six chat stages, the collaboration suite, the
 * identity service, the 1B-user chat). Each edge is checked against the synthesized stacks, read
 * here without the graph's code:
 * - an edge to a store over the network: no NetworkPolicy that selects the pod keeps it from the
 *   port, the store's security group admits the nodes' security group on it, and the pod holds a
 *   credential for that store (its Pod Identity role may read the store's own secret, assume its
 *   master role, or act on the store);
 * - an edge to a store's AWS API ("MSK API"): the pod's role allows actions on that store;
 * - an edge to "AWS APIs": the pod's role allows actions of each service named.
 * The diagram drew every platform pod with an edge to every store: the cluster autoscaler to
 * Postgres, which none of this admits.
 */
import { namesSecret } from '../../policies/rules/helpers';
import { buildTopology } from '../../graph/build';
import { Topology, TopologyNode } from '../../graph/model';
import { awsServiceName } from '../../graph/platform-workloads';
import { sizeEnvironments, SizedEnvironment } from '../../sizing/blueprint';
import { apiObjectOfResource } from '../../synthesis/kubernetes-objects';
import { decodePolicy, JsonValue, statements, stringList } from '../../synthesis/policy-document';
import { readSynthesis } from '../../synthesis/read';
import { ResourceView, StackView, stackViews, Synthesis } from '../../synthesis/stack-views';
import { readAll, record } from '../../synthesis/values';
import { cachedExampleSynthesis } from '../helpers/examples';

const EXAMPLES = ['chat', 'collaboration', 'identity', 'chat-1b'];

interface Example {
  readonly sized: readonly SizedEnvironment[];
  readonly synthesis: Synthesis;
  readonly views: StackView[];
}

const examples = new Map<string, Example>();
beforeAll(() => {
  // Each example synthesized once for every test file (other files read the same examples).
  for (const example of EXAMPLES) {
    const { environments, outdir } = cachedExampleSynthesis(example);
    const synthesis = readSynthesis(outdir, { command: 'test', flag: '--from', given: outdir });
    examples.set(example, { sized: sizeEnvironments(environments), synthesis, views: stackViews(synthesis) });
  }
}, 600_000);

/** One workload a platform node stands for, as the apps stack applies it. */
interface Workload {
  readonly apps: StackView;
  readonly namespace: string;
  readonly serviceAccount?: string;
  readonly podLabels: Record<string, string>;
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

function workloadOf(apps: StackView, resource: ResourceView): Workload | undefined {
  const object = apiObjectOfResource(resource);
  if (!object || !WORKLOADS.has(String(object.kind))) return undefined;
  const spec = record(object.spec);
  const template = record(object.kind === 'CronJob' ? record(record(spec?.jobTemplate)?.spec)?.template : spec?.template);
  return {
    apps,
    namespace: String(record(object.metadata)?.namespace ?? 'default'),
    serviceAccount: record(template?.spec)?.serviceAccountName as string | undefined,
    podLabels: (record(record(template?.metadata)?.labels) ?? {}) as Record<string, string>,
  };
}

/**
 * The workloads outside the product namespace a node stands for, with the others of their
 * namespace in the same stack that no node stands for (CockroachDB's Jobs beside its StatefulSets).
 */
function platformWorkloads(views: readonly StackView[], topology: Topology, node: TopologyNode): Workload[] {
  const own = node.resources.flatMap((address) => {
    const [stack, resourceAddress] = address.split(':');
    const apps = views.find((v) => v.name === stack);
    const resource = apps?.resources().find((r) => r.address === resourceAddress);
    const workload = apps && resource && workloadOf(apps, resource);
    return workload && workload.namespace !== 'product' ? [workload] : [];
  });
  const namespaces = new Set(own.map((w) => `${w.apps.name}/${w.namespace}`));
  const apps = [...new Set(own.map((w) => w.apps))];
  const drawn = new Set(topology.nodes.filter((n) => n !== node).flatMap((n) => n.resources));
  return apps.flatMap((a) =>
    a.resources().flatMap((r) => {
      const w = workloadOf(a, r);
      const mine = node.resources.includes(`${a.name}:${r.address}`) || !drawn.has(`${a.name}:${r.address}`);
      return w && mine && namespaces.has(`${a.name}/${w.namespace}`) ? [w] : [];
    }),
  );
}

/** The regional stack of an apps stack. */
const regionalOf = (views: readonly StackView[], apps: StackView) => views.find((v) => v.name === apps.name.replace(/-apps$/, ''))!;

/** The Allow statements of the inline policies of the role the workload's service account gets through Pod Identity. */
function roleStatements(views: readonly StackView[], w: Workload): Array<{ actions: string[]; resources: string[]; regional: StackView }> {
  const regional = regionalOf(views, w.apps);
  const roles = regional
    .resources('aws_eks_pod_identity_association')
    .filter((a) => a.values.namespace === w.namespace && a.values.service_account === w.serviceAccount)
    .map((a) => regional.referenced(a.values.role_arn));
  return (
    regional
      .resources('aws_iam_role_policy')
      .filter((p) => roles.includes(regional.referenced(p.values.role)))
      .flatMap((p) => {
        const decoded = decodePolicy(p.values.policy);
        return 'document' in decoded ? statements(decoded.document) : [];
      })
      .filter((s) => s.Effect === 'Allow')
      // A secret RDS names is granted by a pattern and a tag condition that holds its database's ARN: the condition names it too.
      .map((s) => ({ actions: stringList(s.Action), resources: [...stringList(s.Resource), ...conditionValues(s.Condition)], regional }))
  );
}

/** The string values of a statement's Condition block (`{ StringEquals: { key: value | [values] } }`). */
function conditionValues(condition: JsonValue | undefined): string[] {
  const operators = record(condition) ?? {};
  return Object.values(operators).flatMap((keys) => Object.values(record(keys) ?? {}).flatMap((v) => stringList(v as JsonValue)));
}

/** The resources a store node stands for, and those they refer to within two steps (its secrets, their versions, its master role). */
function storeAndCredentials(regional: StackView, store: TopologyNode): Set<ResourceView> {
  const own = store.resources.flatMap((a) =>
    a.startsWith(`${regional.name}:`) ? regional.resources().filter((r) => `${regional.name}:${r.address}` === a) : [],
  );
  const related = new Set(own);
  const step = (from: readonly ResourceView[]) => {
    const found: ResourceView[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') {
        const r = regional.referenced(v);
        if (r && !related.has(r)) {
          related.add(r);
          found.push(r);
        }
      } else if (Array.isArray(v)) v.forEach(walk);
      else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
    };
    // depends_on too: a global primary's generated master secret is ordered before its cluster, not referenced by it.
    from.forEach((r) => {
      walk(r.values);
      for (const address of readAll(r.values, 'depends_on').flat()) if (typeof address === 'string') walk(`\${${address}.id}`);
    });
    return found;
  };
  step(step(own));
  return related;
}

/** Whether a policy's Resource entry names one of `targets`: a reference to it, or a literal ARN that holds its name. */
function names(regional: StackView, entry: string, targets: ReadonlySet<ResourceView>): boolean {
  const referenced = regional.referenced(entry);
  if (referenced) return targets.has(referenced);
  return [...targets].some(
    (t) =>
      ['bucket', 'cluster_name', 'domain_name', 'broker_name'].some((k) => typeof t.values[k] === 'string' && entry.includes(String(t.values[k]))) ||
      // An RDS instance or Aurora cluster by its ARN, built from its identifier.
      (t.type === 'aws_db_instance' && entry.endsWith(`:db:${String(t.values.identifier)}`)) ||
      (t.type === 'aws_rds_cluster' && entry.endsWith(`:cluster:${String(t.values.cluster_identifier)}`)) ||
      // A secret by an ARN built from its name (constructs/shared/arn.ts).
      (t.type === 'aws_secretsmanager_secret' && namesSecret(entry, t)),
  );
}

/** Whether a NetworkPolicy that selects the workload's pods for egress keeps them from `port`. */
function egressDenied(w: Workload, port: number): boolean {
  const policies = w.apps.resources().flatMap((r) => {
    const object = apiObjectOfResource(r);
    if (object?.kind !== 'NetworkPolicy' || record(object.metadata)?.namespace !== w.namespace) return [];
    const spec = record(object.spec) ?? {};
    const match = (record(record(spec.podSelector)?.matchLabels) ?? {}) as Record<string, string>;
    const selects = Object.entries(match).every(([k, v]) => w.podLabels[k] === v);
    return selects && readAll(spec, 'policyTypes').flat().includes('Egress') ? [spec] : [];
  });
  if (policies.length === 0) return false;
  const rules = policies.flatMap((p) => (Array.isArray(p.egress) ? p.egress : []).map((r) => record(r) ?? {}));
  return !rules.some((rule) => !Array.isArray(rule.ports) || rule.ports.some((p) => record(p)?.port === port));
}

/** Whether the store's security groups admit the EKS nodes' security group on `port`. */
function nodesAdmitted(regional: StackView, store: TopologyNode, port: number): boolean {
  const own = regional.resources().filter((r) => store.resources.includes(`${regional.name}:${r.address}`));
  const groupPaths = [
    'vpc_security_group_ids',
    'security_groups',
    'security_group_ids',
    'broker_node_group_info.security_groups',
    'vpc_options.security_group_ids',
  ];
  const groups = new Set(
    own.flatMap((r) =>
      groupPaths
        .flatMap((p) => readAll(r.values, p).flat())
        .map((g) => regional.referenced(g))
        .filter((g) => g !== undefined),
    ),
  );
  return regional
    .resources('aws_vpc_security_group_ingress_rule')
    .some(
      (rule) =>
        groups.has(regional.referenced(rule.values.security_group_id)!) &&
        regional.referenced(rule.values.referenced_security_group_id)?.type === 'aws_eks_cluster' &&
        Number(rule.values.from_port) <= port &&
        port <= Number(rule.values.to_port),
    );
}

/** Why the workloads of `from` cannot use the edge to `to` labelled `label`, or undefined when they can. */
function unreachable(views: readonly StackView[], workloads: readonly Workload[], to: TopologyNode, label: string): string | undefined {
  const why: string[] = [];
  // CockroachDB to its peers in other regions: the regional stack peers its VPC with theirs.
  if (/over VPC peering$/.test(label)) {
    const peer = views.find((v) => to.resources.some((a) => a.startsWith(`${v.name}:`)))?.name.replace(/-apps$/, '');
    const regional = regionalOf(views, workloads[0].apps);
    const peerRegion = views.find((v) => v.name === peer)?.region;
    return regional.resources('aws_vpc_peering_connection').some((p) => p.values.peer_region === peerRegion)
      ? undefined
      : `${regional.name} has no VPC peering with ${peerRegion}`;
  }
  for (const w of workloads) {
    const policy = roleStatements(views, w);
    if (to.kind === 'api') {
      const named = label.replace(/, HTTPS 443$/, '').split(', ');
      const allowed = new Set(policy.flatMap((s) => s.actions.map((a) => awsServiceName(a.split(':')[0]))));
      const missing = named.filter((n) => !allowed.has(n));
      if (missing.length === 0) return undefined;
      why.push(`${w.namespace}/${w.serviceAccount}: its role allows no action of ${missing.join(', ')}`);
      continue;
    }
    const regional = regionalOf(views, w.apps);
    const targets = storeAndCredentials(regional, to);
    const credential = policy.some((s) => s.resources.some((r) => names(regional, r, targets)));
    if (/ API, HTTPS 443$/.test(label)) {
      const own = new Set(regional.resources().filter((r) => to.resources.includes(`${regional.name}:${r.address}`)));
      if (policy.some((s) => s.resources.some((r) => names(regional, r, own)))) return undefined;
      why.push(`${w.namespace}/${w.serviceAccount}: its role allows nothing on ${to.label}`);
      continue;
    }
    const port = Number(/(\d+)\D*$/.exec(label)?.[1]);
    if (!credential) why.push(`${w.namespace}/${w.serviceAccount}: its role names no credential of ${to.label}`);
    else if (egressDenied(w, port)) why.push(`${w.namespace}/${w.serviceAccount}: a NetworkPolicy keeps it from port ${port}`);
    else if (!nodesAdmitted(regional, to, port)) why.push(`${to.label}: its security groups do not admit the nodes on ${port}`);
    else return undefined;
  }
  return why.join('; ') || 'no workload';
}

/** Each example environment's topology with its platform nodes and their workloads. */
function platformEdges(example: string): Array<{ environment: string; topology: Topology; node: TopologyNode; workloads: Workload[] }> {
  const { sized, synthesis, views } = examples.get(example)!;
  return sized.flatMap((s) => {
    const topology = buildTopology(synthesis, s);
    return topology.nodes.flatMap((node) => {
      const workloads = platformWorkloads(views, topology, node);
      return workloads.length > 0 ? [{ environment: s.environment.name, topology, node, workloads }] : [];
    });
  });
}

describe.each(EXAMPLES)('platform workloads in the diagram of examples/%s', (example) => {
  it('draws every edge from a platform workload to something its network policies, security groups and role let it reach', () => {
    const platform = platformEdges(example);
    const clusterStages = examples.get(example)!.sized.filter((s) => s.blueprint.cluster).length;
    if (clusterStages > 0) expect(platform.some((p) => p.node.label.startsWith('cluster-autoscaler'))).toBe(true);
    const problems = platform.flatMap(({ environment, topology, node, workloads }) =>
      topology.edges
        .filter((e) => e.from === node.id)
        .flatMap((e) => {
          const to = topology.nodes.find((n) => n.id === e.to)!;
          const why = unreachable(examples.get(example)!.views, workloads, to, e.label ?? '');
          return why ? [`${environment}: ${node.label} → ${to.label} (${e.label}): ${why}`] : [];
        }),
    );
    expect(problems).toEqual([]);
  });

  it('connects each Job that makes users, topics or roles to the store it makes them in, and the cluster autoscaler and collector to no store', () => {
    const platform = platformEdges(example);
    const storeKinds = new Set(['database', 'cache', 'queue', 'search', 'storage']);
    for (const { topology, node, workloads } of platform) {
      const targets = topology.edges.filter((e) => e.from === node.id).map((e) => topology.nodes.find((n) => n.id === e.to)!);
      if (/^(cluster-autoscaler|otel-collector) /.test(node.label)) expect(targets.filter((t) => storeKinds.has(t.kind))).toEqual([]);
      const made = workloads.flatMap((w) =>
        w.apps.resources().flatMap((r) => {
          const object = apiObjectOfResource(r);
          const annotations = record(record(object?.metadata)?.annotations);
          const labels = record(record(object?.metadata)?.labels);
          const own =
            object?.kind === 'Job' &&
            record(object.metadata)?.namespace === w.namespace &&
            labels?.['app.kubernetes.io/name'] === w.podLabels['app.kubernetes.io/name'];
          return own
            ? String(annotations?.['stagecraft.io/provisions'] ?? '')
                .split(',')
                .filter(Boolean)
            : [];
        }),
      );
      const expected = new Set(
        made.map((m) =>
          m.startsWith('database-user/') ? 'database' : m.startsWith('kafka-topic/') ? 'Kafka' : m.startsWith('rabbitmq-') ? 'RabbitMQ' : 'search',
        ),
      );
      for (const kind of expected) expect([node.label, targets.some((t) => t.kind === kind || t.label.startsWith(kind))]).toEqual([node.label, true]);
    }
  });
});
