/**
 * The database tier of one region: a StatefulSet per availability zone, its storage class,
 * Services and disruption budget.
 *
 * Why one StatefulSet per zone: a node's `--locality zone=` must name its zone, and the downward
 * API cannot read the node's zone label. The alternative (an init container reading its Node
 * through the API) needs a ClusterRole on nodes and a Kubernetes client in the pod. Pinning each
 * StatefulSet to a zone with node affinity makes the zone a constant of the pod template, spreads
 * the nodes across zones exactly, and keeps each pod beside its zonal EBS volume.
 */
import { EXPECTED_FAILOVER, FAILOVER_ANNOTATION } from '../../../constructs/shared/failover';
import { KubernetesObject } from '../../kubernetes/object';
import { CERTS_DIR, certificateVolumes, fetchCaContainer, HEADLESS_SERVICE, nodeCertificateContainer, PUBLIC_SERVICE } from './certificates';
import { metadata, NODE_SELECTOR, ZONE_LABEL } from './labels';
import {
  COCKROACH_HTTP_PORT,
  COCKROACH_JOIN_NODE_PORT,
  COCKROACH_POOL_LABEL,
  COCKROACH_SERVICE_ACCOUNT,
  COCKROACH_SQL_PORT,
  COCKROACH_TAINT,
  ZONE_ID_NODE_LABEL,
} from './names';
import { CockroachPlacement, COCKROACH_IMAGE } from './placement';
import { containerSecurityContext, guaranteed, podSecurityContext, scratchVolume } from './pod-security';
import { startCommand, ZoneGroup, zoneGroups } from './topology';

export const STORAGE_CLASS = 'cockroachdb-gp3';
export const JOIN_SERVICE = 'cockroachdb-join';

/** Encrypted gp3 volumes that outlive their claim and bind where the pod is scheduled (its zone). */
export function storageClass(): KubernetesObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: STORAGE_CLASS, labels: { 'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/part-of': 'stagecraft' } },
    provisioner: 'ebs.csi.aws.com',
    parameters: { type: 'gp3', encrypted: 'true', 'csi.storage.k8s.io/fstype': 'ext4' },
    reclaimPolicy: 'Retain',
    volumeBindingMode: 'WaitForFirstConsumer',
    allowVolumeExpansion: true,
  };
}

const ports = [
  { name: 'grpc', port: COCKROACH_SQL_PORT, targetPort: 'grpc', protocol: 'TCP' },
  { name: 'http', port: COCKROACH_HTTP_PORT, targetPort: 'http', protocol: 'TCP' },
];

/**
 * `cockroachdb` (headless: the pods' stable DNS names, published before they are ready so
 * nodes can find each other while the cluster forms) and `cockroachdb-public` (clients).
 * With several regions, `cockroachdb-join`: a NodePort the region's internal NLB forwards to;
 * `externalTrafficPolicy: Local` keeps only nodes running a database pod healthy in the NLB.
 */
export function services(placement: CockroachPlacement): KubernetesObject[] {
  const list: KubernetesObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata(HEADLESS_SERVICE),
      spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector: { ...NODE_SELECTOR }, ports },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: metadata(PUBLIC_SERVICE), spec: { type: 'ClusterIP', selector: { ...NODE_SELECTOR }, ports } },
  ];
  if (placement.regions.length > 1) {
    list.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata(JOIN_SERVICE),
      spec: {
        type: 'NodePort',
        externalTrafficPolicy: 'Local',
        selector: { ...NODE_SELECTOR },
        ports: [{ name: 'grpc', port: COCKROACH_SQL_PORT, targetPort: 'grpc', nodePort: COCKROACH_JOIN_NODE_PORT, protocol: 'TCP' }],
      },
    });
  }
  return list;
}

/** At most one node of the region down for voluntary disruptions: ranges keep a majority of their 3+ replicas. */
export function disruptionBudget(): KubernetesObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: metadata('cockroachdb'),
    spec: { maxUnavailable: 1, selector: { matchLabels: { ...NODE_SELECTOR } } },
  };
}

function databaseContainer(placement: CockroachPlacement, group: ZoneGroup): Record<string, unknown> {
  const { cpu, memoryGiB } = placement.resources;
  const probe = (path: string, spec: Record<string, number>) => ({ httpGet: { path, port: 'http', scheme: 'HTTPS' }, ...spec });
  return {
    name: 'cockroachdb',
    image: placement.image ?? COCKROACH_IMAGE,
    imagePullPolicy: 'IfNotPresent',
    command: startCommand(placement, group.zone),
    env: [
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'COCKROACH_CHANNEL', value: 'kubernetes-stagecraft' },
    ],
    ports: [
      { name: 'grpc', containerPort: COCKROACH_SQL_PORT, protocol: 'TCP' },
      { name: 'http', containerPort: COCKROACH_HTTP_PORT, protocol: 'TCP' },
    ],
    resources: guaranteed(String(cpu), `${memoryGiB}Gi`),
    // /health answers while the process runs; ?ready=1 only once the node accepts SQL.
    livenessProbe: probe('/health', { initialDelaySeconds: 30, periodSeconds: 5, failureThreshold: 3 }),
    readinessProbe: probe('/health?ready=1', { initialDelaySeconds: 10, periodSeconds: 5, failureThreshold: 2 }),
    securityContext: containerSecurityContext(),
    volumeMounts: [
      { name: 'datadir', mountPath: '/cockroach/cockroach-data' },
      { name: 'certs', mountPath: CERTS_DIR, readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
    ],
  };
}

/** The StatefulSet of one zone. */
export function zoneStatefulSet(placement: CockroachPlacement, group: ZoneGroup): KubernetesObject {
  const labels = { ...NODE_SELECTOR, [ZONE_LABEL]: group.zone };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { ...metadata(group.name, { ...labels }), annotations: { [FAILOVER_ANNOTATION]: EXPECTED_FAILOVER.cockroach } },
    spec: {
      serviceName: HEADLESS_SERVICE,
      replicas: group.replicas,
      // Nodes must start together to find each other; ordered start would wait for a ready pod-0 forever.
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'RollingUpdate' },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      selector: { matchLabels: labels },
      template: {
        metadata: { labels: { ...labels, 'app.kubernetes.io/part-of': 'stagecraft' } },
        spec: {
          serviceAccountName: COCKROACH_SERVICE_ACCOUNT,
          automountServiceAccountToken: false,
          securityContext: podSecurityContext(),
          // Time for the node to drain its leases and SQL sessions on SIGTERM.
          terminationGracePeriodSeconds: 300,
          tolerations: [{ key: COCKROACH_TAINT.key, operator: 'Equal', value: COCKROACH_TAINT.value, effect: 'NoSchedule' }],
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  {
                    matchExpressions: [
                      { key: COCKROACH_POOL_LABEL.key, operator: 'In', values: [COCKROACH_POOL_LABEL.value] },
                      { key: ZONE_ID_NODE_LABEL, operator: 'In', values: [group.zone] },
                    ],
                  },
                ],
              },
            },
            // One node per machine across every zone's StatefulSet: a lost machine costs one replica.
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { ...NODE_SELECTOR } }, topologyKey: 'kubernetes.io/hostname' }],
            },
          },
          initContainers: [fetchCaContainer(placement), nodeCertificateContainer(placement)],
          containers: [databaseContainer(placement, group)],
          volumes: [...certificateVolumes().filter((v) => v.name !== 'tmp'), scratchVolume('tmp', '256Mi')],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'datadir', labels: { ...NODE_SELECTOR } },
          spec: { accessModes: ['ReadWriteOnce'], storageClassName: STORAGE_CLASS, resources: { requests: { storage: `${placement.volumeGiB}Gi` } } },
        },
      ],
    },
  };
}

/** Every zone's StatefulSet. */
export function statefulSets(placement: CockroachPlacement): KubernetesObject[] {
  return zoneGroups(placement).map((group) => zoneStatefulSet(placement, group));
}
