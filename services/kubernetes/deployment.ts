/**
 * The Deployment of one service: hardened pods (non-root, read-only root filesystem, no
 * privilege escalation, every capability dropped, RuntimeDefault seccomp), liveness and
 * readiness probes, requests and limits, spread across zones and nodes.
 */
import { KubernetesObject } from './object';
import { PRODUCT_NAMESPACE, selectorLabels, serviceLabels } from './labels';
import { hardenedContainerSecurity, hardenedPodSecurity } from './security-context';
import { cpuQuantity, memoryQuantity, RUN_AS_USER, ServiceWorkload } from './workload-spec';
import { terraformLiterals } from '../../constructs/shared/terraform-literal';

/** Zone spread: at most one pod more in any zone than in another. */
export const ZONE_TOPOLOGY_KEY = 'topology.kubernetes.io/zone';
export const HOST_TOPOLOGY_KEY = 'kubernetes.io/hostname';

export function deployment(workload: ServiceWorkload): KubernetesObject {
  const { service, resources } = workload;
  const selector = selectorLabels(service.name);
  const health = service.health.port;
  const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path, port: health },
    periodSeconds,
    timeoutSeconds: 2,
    failureThreshold,
  });
  // The service's own values are the user's text; the bindings are references the constructs made.
  const env = Object.entries({ ...terraformLiterals(service.env), ...workload.bindings })
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value }));
  const secrets = (workload.secretVolumes ?? []).map((s, i) => ({ ...s, name: `credential-${i}` }));
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: service.name, namespace: PRODUCT_NAMESPACE, labels: serviceLabels(service.name) },
    spec: {
      // With an autoscaler the HPA owns the count; setting it here would fight it on every apply.
      ...(workload.scaling ? {} : { replicas: workload.replicas }),
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
      template: {
        metadata: { labels: serviceLabels(service.name) },
        spec: {
          serviceAccountName: service.name,
          // EKS Pod Identity mounts its own token; the Kubernetes API token is not needed.
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 30,
          securityContext: hardenedPodSecurity(RUN_AS_USER),
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: ZONE_TOPOLOGY_KEY, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: selector } },
            { maxSkew: 1, topologyKey: HOST_TOPOLOGY_KEY, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
          ],
          containers: [
            {
              name: service.name,
              image: service.image,
              imagePullPolicy: 'IfNotPresent',
              ports: service.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })),
              env,
              resources: {
                requests: { cpu: cpuQuantity(resources.requests.cpuMillis), memory: memoryQuantity(resources.requests.memoryMiB) },
                limits: { cpu: cpuQuantity(resources.limits.cpuMillis), memory: memoryQuantity(resources.limits.memoryMiB) },
              },
              livenessProbe: { ...probe(service.health.livenessPath, 10, 3), initialDelaySeconds: 10 },
              readinessProbe: probe(service.health.readinessPath, 5, 2),
              securityContext: hardenedContainerSecurity(RUN_AS_USER),
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...secrets.map((s) => ({ name: s.name, mountPath: s.mountPath, readOnly: true }))],
            },
          ],
          // The root filesystem is read-only; scratch space is a small, memory-limited volume.
          // Credential Secrets are readable by the pod's group only (the key files of client certificates).
          volumes: [
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
            ...secrets.map((s) => ({ name: s.name, secret: { secretName: s.secretName, defaultMode: 0o440 } })),
          ],
        },
      },
    },
  };
}
