/**
 * The pod of one service, shared by its Deployment (web, worker, gateway) and its CronJob (job):
 * hardened (non-root, read-only root filesystem, no privilege escalation, every capability
 * dropped, RuntimeDefault seccomp), requests and limits, its environment, its credential volumes
 * and its application secrets (services/kubernetes/app-secrets.ts). A long-running pod has
 * liveness and readiness probes and spreads across zones and nodes; a job's pod runs to
 * completion and is not restarted in place (the Job retries it).
 */
import { terraformLiterals } from '../../synthesis/terraform-literal';
import { appSecretsPodParts } from './app-secrets';
import { selectorLabels } from './labels';
import { hardenedContainerSecurity, hardenedPodSecurity } from './security-context';
import { cpuQuantity, memoryQuantity, RUN_AS_USER, ServiceWorkload } from './workload-spec';

/** Zone spread: at most one pod more in any zone than in another. */
export const ZONE_TOPOLOGY_KEY = 'topology.kubernetes.io/zone';
export const HOST_TOPOLOGY_KEY = 'kubernetes.io/hostname';

/** The pod spec of `workload`'s service. */
export function servicePodSpec(workload: ServiceWorkload): Record<string, unknown> {
  const { service, resources } = workload;
  const runsToCompletion = service.kind === 'job';
  const selector = selectorLabels(service.name);
  const probe = (port: string, path: string, periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path, port },
    periodSeconds,
    timeoutSeconds: 2,
    failureThreshold,
  });
  const secretsParts = appSecretsPodParts(workload.appSecrets ?? {}, workload.region ?? '');
  // The service's own values are the user's text; the bindings are references the constructs made.
  const env = [
    ...Object.entries({ ...terraformLiterals(service.env), ...workload.bindings }).map(([name, value]) => ({ name, value })),
    ...(secretsParts?.env ?? []),
  ].sort((a, b) => a.name.localeCompare(b.name));
  const credentials = (workload.secretVolumes ?? []).map((s, i) => ({ ...s, name: `credential-${i}` }));
  const health = service.health;
  return {
    serviceAccountName: service.name,
    // EKS Pod Identity mounts its own token; the Kubernetes API token is not needed.
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    ...(runsToCompletion ? { restartPolicy: 'Never' } : {}),
    terminationGracePeriodSeconds: service.drainSeconds,
    securityContext: hardenedPodSecurity(RUN_AS_USER),
    ...(runsToCompletion
      ? {}
      : {
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: ZONE_TOPOLOGY_KEY, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: selector } },
            { maxSkew: 1, topologyKey: HOST_TOPOLOGY_KEY, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
          ],
        }),
    ...(secretsParts ? { initContainers: [secretsParts.initContainer] } : {}),
    containers: [
      {
        name: service.name,
        image: service.image,
        imagePullPolicy: 'IfNotPresent',
        ...(service.ports.length > 0 ? { ports: service.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })) } : {}),
        env,
        resources: {
          requests: { cpu: cpuQuantity(resources.requests.cpuMillis), memory: memoryQuantity(resources.requests.memoryMiB) },
          limits: { cpu: cpuQuantity(resources.limits.cpuMillis), memory: memoryQuantity(resources.limits.memoryMiB) },
        },
        ...(health && !runsToCompletion
          ? {
              livenessProbe: { ...probe(health.port, health.livenessPath, 10, 3), initialDelaySeconds: 10 },
              readinessProbe: probe(health.port, health.readinessPath, 5, 2),
            }
          : {}),
        securityContext: hardenedContainerSecurity(RUN_AS_USER),
        volumeMounts: [
          { name: 'tmp', mountPath: '/tmp' },
          ...credentials.map((s) => ({ name: s.name, mountPath: s.mountPath, readOnly: true })),
          ...(secretsParts ? [secretsParts.volumeMount] : []),
        ],
      },
    ],
    // The root filesystem is read-only; scratch space is a small, memory-limited volume.
    // Credential Secrets are readable by the pod's group only (the key files of client certificates).
    volumes: [
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
      ...credentials.map((s) => ({ name: s.name, secret: { secretName: s.secretName, defaultMode: 0o440 } })),
      ...(secretsParts ? [secretsParts.volume] : []),
    ],
  };
}
