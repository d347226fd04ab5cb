import { kubernetesSchemaReport } from '../../helpers/kubernetes';
import { podHardeningProblems } from '../../helpers/pod-hardening';
import { ClusterAutoscalerOptions, clusterAutoscalerObjects, CLUSTER_AUTOSCALER_PORT } from '../../../services/platform/cluster-autoscaler';
import { CLUSTER_AUTOSCALER_RELEASES } from '../../../config/cluster-autoscaler-releases';
import { CLUSTER_AUTOSCALER_SERVICE_ACCOUNT } from '../../../constructs/aws/cluster-autoscaler-identity';
import { NODE_GROUP_DEFAULTS } from '../../../sizing/autoscaling/node-groups';
import { base, environment } from '../../helpers/environments';
import { blueprintFor } from '../../../sizing/blueprint';

const OPTIONS: ClusterAutoscalerOptions = {
  clusterName: 'acme-scale-us-west-2',
  region: 'us-west-2',
  kubernetesVersion: '1.33',
  behaviour: NODE_GROUP_DEFAULTS,
};

type Container = {
  image: string;
  command: string[];
  env: Array<{ name: string; value: string }>;
  livenessProbe: { httpGet: { path: string; port: number } };
  readinessProbe: { httpGet: { path: string; port: number } };
};
type PodSpec = { serviceAccountName: string; priorityClassName: string; containers: Container[] };

function byKind(options: ClusterAutoscalerOptions = OPTIONS) {
  const objects = clusterAutoscalerObjects(options);
  const find = (kind: string) => {
    const found = objects.filter((o) => o.kind === kind);
    expect(found).toHaveLength(1);
    return found[0] as Record<string, unknown> & { metadata: { name: string; namespace?: string } };
  };
  const deployment = find('Deployment') as unknown as {
    spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
  };
  return { objects, find, deployment, pod: deployment.spec.template.spec, container: deployment.spec.template.spec.containers[0] };
}

describe('cluster autoscaler objects', () => {
  it('are valid Kubernetes objects and every pod is hardened', () => {
    const { objects } = byKind();
    expect(objects.map((o) => o.kind)).toEqual([
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'Role',
      'RoleBinding',
      'Deployment',
      'PodDisruptionBudget',
    ]);
    expect(kubernetesSchemaReport(objects)).toEqual([]);
    expect(podHardeningProblems(objects)).toEqual([]);
  });

  it('the hardening check finds a container that lacks it', () => {
    const { objects, deployment } = byKind();
    const bare = {
      ...deployment,
      spec: {
        ...deployment.spec,
        template: { ...deployment.spec.template, spec: { ...deployment.spec.template.spec, securityContext: {}, containers: [{ name: 'bare', image: 'x' }] } },
      },
    };
    expect(podHardeningProblems([...objects.filter((o) => o.kind !== 'Deployment'), bare as never])).toEqual(
      [
        'runAsNonRoot is not true',
        'readOnlyRootFilesystem is not true',
        'allowPrivilegeEscalation is not false',
        'does not drop ALL capabilities',
        'no requests.cpu',
        'no requests.memory',
        'no limits.cpu',
        'no limits.memory',
        'no livenessProbe',
        'no readinessProbe',
      ].map((gap) => `Deployment cluster-autoscaler container bare: ${gap}`),
    );
  });

  it('runs in kube-system under the service account the pod identity is bound to', () => {
    const { find, pod } = byKind();
    expect(find('ServiceAccount').metadata).toMatchObject({ name: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT, namespace: 'kube-system' });
    expect(pod.serviceAccountName).toBe(CLUSTER_AUTOSCALER_SERVICE_ACCOUNT);
    expect(pod.priorityClassName).toBe('system-cluster-critical');
    for (const kind of ['ClusterRoleBinding', 'RoleBinding']) {
      expect(find(kind).subjects).toEqual([{ kind: 'ServiceAccount', name: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT, namespace: 'kube-system' }]);
    }
  });

  it('pins the image to the autoscaler release of the cluster minor', () => {
    for (const [minor, tag] of Object.entries(CLUSTER_AUTOSCALER_RELEASES)) {
      expect(tag.startsWith(`v${minor}.`)).toBe(true);
      expect(byKind({ ...OPTIONS, kubernetesVersion: minor }).container.image).toBe(`registry.k8s.io/autoscaling/cluster-autoscaler:${tag}`);
    }
    expect(() => clusterAutoscalerObjects({ ...OPTIONS, kubernetesVersion: '1.20' })).toThrow('no cluster autoscaler release pinned for Kubernetes 1.20');
  });

  it('discovers the cluster node groups by tag and scales with the rule behaviour', () => {
    const { container } = byKind({ ...OPTIONS, behaviour: { scaleDownUtilizationThreshold: 0.6, scaleDownUnneededMinutes: 20, expander: 'most-pods' } });
    expect(container.command).toEqual([
      './cluster-autoscaler',
      '--cloud-provider=aws',
      '--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/acme-scale-us-west-2',
      '--balance-similar-node-groups',
      '--skip-nodes-with-system-pods=false',
      '--expander=most-pods',
      '--scale-down-utilization-threshold=0.6',
      '--scale-down-unneeded-time=20m',
      `--address=:${CLUSTER_AUTOSCALER_PORT}`,
      '--leader-elect=true',
    ]);
    expect(container.env).toEqual([{ name: 'AWS_REGION', value: 'us-west-2' }]);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health-check', port: CLUSTER_AUTOSCALER_PORT });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health-check', port: CLUSTER_AUTOSCALER_PORT });
  });

  it('takes its behaviour from the node group rule of the Blueprint (least-waste by default)', () => {
    const rule = blueprintFor(environment(base('scale'))).autoscaling!.nodes!;
    expect(byKind({ ...OPTIONS, behaviour: rule }).container.command).toContain('--expander=least-waste');
  });

  it('keeps one pod through a voluntary disruption', () => {
    const { find, deployment } = byKind();
    expect(deployment.spec.replicas).toBe(2);
    expect(find('PodDisruptionBudget').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: deployment.spec.selector.matchLabels } });
    expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
  });

  it('may change only nodes, its own lease, endpoints and status config maps', () => {
    const { find } = byKind();
    type Rule = { apiGroups: string[]; resources: string[]; resourceNames?: string[]; verbs: string[] };
    const writes = (rules: Rule[]) =>
      rules
        .filter((r) => r.verbs.some((v) => !['get', 'list', 'watch'].includes(v)))
        .flatMap((r) =>
          r.resources.map(
            (res) =>
              `${res}${r.resourceNames ? `(${r.resourceNames.join(',')})` : ''}: ${r.verbs.filter((v) => !['get', 'list', 'watch'].includes(v)).join(',')}`,
          ),
        );
    expect(writes(find('ClusterRole').rules as Rule[])).toEqual([
      'events: create,patch',
      'endpoints: create,patch',
      'pods/eviction: create',
      'pods/status: update',
      'endpoints(cluster-autoscaler): update',
      'nodes: update',
      'jobs: patch',
      'cronjobs: patch',
      'leases: create',
      'leases(cluster-autoscaler): update',
    ]);
    expect(writes(find('Role').rules as Rule[])).toEqual([
      'configmaps: create',
      'configmaps(cluster-autoscaler-status,cluster-autoscaler-priority-expander): delete,update',
    ]);
  });
});
