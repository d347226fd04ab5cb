/**
 * The hardening every pod the platform emits must carry: non-root, read-only root filesystem,
 * no privilege escalation, ALL capabilities dropped, liveness and readiness probes, CPU and
 * memory requests and limits. Returns one line per gap, so a test can expect [].
 */
import type { KubernetesObjectLike } from './kubernetes';

interface Container {
  name: string;
  securityContext?: { runAsNonRoot?: boolean; readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; privileged?: boolean; capabilities?: { drop?: string[] } };
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean };
  containers: Container[];
  initContainers?: Container[];
}

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'];

function podSpecOf(object: KubernetesObjectLike): PodSpec | undefined {
  if (!WORKLOAD_KINDS.includes(object.kind)) return undefined;
  return (object as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
}

/** Hardening gaps of every workload in `objects`; objects without pods are skipped. */
export function podHardeningProblems(objects: readonly KubernetesObjectLike[]): string[] {
  return objects.flatMap((object) => {
    const pod = podSpecOf(object);
    if (!pod) return [];
    const where = `${object.kind} ${object.metadata?.name ?? '?'}`;
    return [...pod.containers, ...(pod.initContainers ?? [])].flatMap((c) => {
      const context = c.securityContext ?? {};
      const gaps: string[] = [];
      if (!(context.runAsNonRoot ?? pod.securityContext?.runAsNonRoot)) gaps.push('runs as root');
      if (context.readOnlyRootFilesystem !== true) gaps.push('root filesystem is writable');
      if (context.allowPrivilegeEscalation !== false) gaps.push('may escalate privileges');
      if (context.privileged === true) gaps.push('is privileged');
      if (!(context.capabilities?.drop ?? []).includes('ALL')) gaps.push('keeps capabilities');
      if (!c.livenessProbe) gaps.push('has no liveness probe');
      if (!c.readinessProbe) gaps.push('has no readiness probe');
      for (const bound of ['requests', 'limits'] as const) {
        for (const resource of ['cpu', 'memory']) if (!c.resources?.[bound]?.[resource]) gaps.push(`has no ${resource} ${bound.slice(0, -1)}`);
      }
      return gaps.map((gap) => `${where}, container ${c.name}: ${gap}`);
    });
  });
}
