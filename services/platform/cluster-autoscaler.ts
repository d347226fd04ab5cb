/**
 * The Kubernetes cluster autoscaler for EKS, as the objects the apps stack applies. It grows
 * and shrinks the node groups that carry the auto-discovery tags (EKS tags the ASG of every
 * managed node group), within the min/max Terraform set; its AWS role and pod identity live in
 * the regional stack (constructs/aws/cluster-autoscaler-identity.ts).
 *
 * RBAC is upstream's minimal set (cluster-autoscaler's AWS auto-discovery example).
 */
import { hardenedContainerSecurity, hardenedPodSecurity } from '../kubernetes/security-context';
import type { NodeAutoscalingBehaviour } from '../../sizing/autoscaling/node-groups';
import type { KubernetesObject } from '../kubernetes/object';
import { CLUSTER_AUTOSCALER_NAMESPACE, CLUSTER_AUTOSCALER_SERVICE_ACCOUNT } from '../../constructs/aws/cluster-autoscaler-identity';
import { CLUSTER_AUTOSCALER_RELEASES } from '../../config/cluster-autoscaler-releases';

const NAME = 'cluster-autoscaler';
/** Metrics and `/health-check` (the autoscaler's `--address`). */
export const CLUSTER_AUTOSCALER_PORT = 8085;
const IMAGE_REPOSITORY = 'registry.k8s.io/autoscaling/cluster-autoscaler';
/** The image's `nobody` user. */
const NONROOT_ID = 65534;

/** Options of `clusterAutoscalerObjects`. */
export interface ClusterAutoscalerOptions {
  /** EKS cluster name, `<env>-<region>`: the discovery tag names it. */
  readonly clusterName: string;
  /** AWS region of the cluster. */
  readonly region: string;
  /** Kubernetes minor of the cluster; picks the autoscaler release of the same minor. */
  readonly kubernetesVersion: string;
  /** How it scales down and which group it grows (the node group rule, `Blueprint.autoscaling.nodes`). */
  readonly behaviour: NodeAutoscalingBehaviour;
  /** Pods; one leads, the other takes over when it goes. @default 2 */
  readonly replicas?: number;
}

/** The image for a Kubernetes minor; throws for a minor without a pinned release (config rejects those first). */
export function clusterAutoscalerImage(kubernetesVersion: string): string {
  const tag = CLUSTER_AUTOSCALER_RELEASES[kubernetesVersion];
  if (tag === undefined) throw new Error(`no cluster autoscaler release pinned for Kubernetes ${kubernetesVersion}`);
  return `${IMAGE_REPOSITORY}:${tag}`;
}

/** The autoscaler's command line. */
export function clusterAutoscalerCommand(options: ClusterAutoscalerOptions): string[] {
  const { behaviour } = options;
  return [
    './cluster-autoscaler',
    '--cloud-provider=aws',
    `--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/${options.clusterName}`,
    '--balance-similar-node-groups',
    '--skip-nodes-with-system-pods=false',
    `--expander=${behaviour.expander}`,
    `--scale-down-utilization-threshold=${behaviour.scaleDownUtilizationThreshold}`,
    `--scale-down-unneeded-time=${behaviour.scaleDownUnneededMinutes}m`,
    `--address=:${CLUSTER_AUTOSCALER_PORT}`,
    '--leader-elect=true',
  ];
}

/** ServiceAccount, RBAC, Deployment and PodDisruptionBudget of the cluster autoscaler. */
export function clusterAutoscalerObjects(options: ClusterAutoscalerOptions): KubernetesObject[] {
  const namespace = CLUSTER_AUTOSCALER_NAMESPACE;
  const labels = { 'app.kubernetes.io/name': NAME, 'app.kubernetes.io/part-of': 'stagecraft' };
  const metadata = (kind: 'cluster' | 'namespaced') => (kind === 'cluster' ? { name: NAME, labels } : { name: NAME, namespace, labels });
  const subject = [{ kind: 'ServiceAccount', name: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT, namespace }];
  const probe = (periodSeconds: number) => ({
    httpGet: { path: '/health-check', port: CLUSTER_AUTOSCALER_PORT },
    initialDelaySeconds: 10,
    periodSeconds,
    timeoutSeconds: 5,
    failureThreshold: 3,
  });

  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT, namespace, labels },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: metadata('cluster'),
      rules: [
        { apiGroups: [''], resources: ['events', 'endpoints'], verbs: ['create', 'patch'] },
        { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
        { apiGroups: [''], resources: ['pods/status'], verbs: ['update'] },
        { apiGroups: [''], resources: ['endpoints'], resourceNames: [NAME], verbs: ['get', 'update'] },
        { apiGroups: [''], resources: ['nodes'], verbs: ['watch', 'list', 'get', 'update'] },
        {
          apiGroups: [''],
          resources: ['namespaces', 'pods', 'services', 'replicationcontrollers', 'persistentvolumeclaims', 'persistentvolumes'],
          verbs: ['watch', 'list', 'get'],
        },
        { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['watch', 'list'] },
        { apiGroups: ['apps'], resources: ['statefulsets', 'replicasets', 'daemonsets'], verbs: ['watch', 'list', 'get'] },
        {
          apiGroups: ['storage.k8s.io'],
          resources: ['storageclasses', 'csinodes', 'csidrivers', 'csistoragecapacities', 'volumeattachments'],
          verbs: ['watch', 'list', 'get'],
        },
        { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ['watch', 'list', 'get', 'patch'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [NAME], verbs: ['get', 'update'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: metadata('cluster'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: NAME },
      subjects: subject,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: metadata('namespaced'),
      rules: [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'list', 'watch'] },
        {
          apiGroups: [''],
          resources: ['configmaps'],
          resourceNames: ['cluster-autoscaler-status', 'cluster-autoscaler-priority-expander'],
          verbs: ['delete', 'get', 'update', 'watch'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: metadata('namespaced'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: NAME },
      subjects: subject,
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: metadata('namespaced'),
      spec: {
        replicas: options.replicas ?? 2,
        selector: { matchLabels: { 'app.kubernetes.io/name': NAME } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
            // It must run while the cluster is short of capacity: that is when it is needed.
            priorityClassName: 'system-cluster-critical',
            securityContext: hardenedPodSecurity(NONROOT_ID),
            // One pod per node, so draining one node never stops both.
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'kubernetes.io/hostname',
                whenUnsatisfiable: 'DoNotSchedule',
                labelSelector: { matchLabels: { 'app.kubernetes.io/name': NAME } },
              },
            ],
            containers: [
              {
                name: NAME,
                image: clusterAutoscalerImage(options.kubernetesVersion),
                imagePullPolicy: 'IfNotPresent',
                command: clusterAutoscalerCommand(options),
                env: [{ name: 'AWS_REGION', value: options.region }],
                ports: [{ name: 'http', containerPort: CLUSTER_AUTOSCALER_PORT, protocol: 'TCP' }],
                livenessProbe: probe(20),
                readinessProbe: probe(10),
                // Upstream's sizing for clusters of up to a few hundred nodes.
                resources: { requests: { cpu: '100m', memory: '600Mi' }, limits: { cpu: '500m', memory: '600Mi' } },
                securityContext: hardenedContainerSecurity(NONROOT_ID),
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: metadata('namespaced'),
      spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': NAME } } },
    },
  ];
}
