/**
 * The hardening every pod the platform emits must carry, checked on plain Kubernetes objects:
 * non-root, read-only root filesystem, no privilege escalation, every capability dropped,
 * requests and limits on every container (init containers too), and liveness and readiness
 * probes on the containers of long-running workloads. Jobs run to completion and init
 * containers may not have probes (the API rejects them), so probes are not asked of them.
 */
import { KubernetesObjectLike } from './kubernetes';

const LONG_RUNNING = ['Deployment', 'StatefulSet', 'DaemonSet'];

type Json = Record<string, any>;

function podSpecOf(object: Json): Json | undefined {
  if (object.kind === 'CronJob') return object.spec?.jobTemplate?.spec?.template?.spec;
  return object.spec?.template?.spec;
}

/** Every hardening problem of `objects`, one line each; [] when all are hardened. */
export function podHardeningProblems(objects: readonly KubernetesObjectLike[]): string[] {
  const problems: string[] = [];
  for (const object of objects as unknown as Json[]) {
    const pod = podSpecOf(object);
    if (!pod) continue;
    const where = `${object.kind} ${object.metadata?.name}`;
    const podContext: Json = pod.securityContext ?? {};
    const check = (container: Json, isInit: boolean) => {
      const name = `${where} container ${container.name}`;
      const sc: Json = container.securityContext ?? {};
      if ((sc.runAsNonRoot ?? podContext.runAsNonRoot) !== true) problems.push(`${name}: runAsNonRoot is not true`);
      if (sc.runAsUser === 0 || podContext.runAsUser === 0) problems.push(`${name}: runs as uid 0`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${name}: readOnlyRootFilesystem is not true`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${name}: allowPrivilegeEscalation is not false`);
      if (sc.privileged === true) problems.push(`${name}: privileged`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${name}: does not drop ALL capabilities`);
      for (const kind of ['requests', 'limits']) {
        for (const resource of ['cpu', 'memory']) {
          if (container.resources?.[kind]?.[resource] === undefined) problems.push(`${name}: no ${kind}.${resource}`);
        }
      }
      if (!isInit && LONG_RUNNING.includes(object.kind)) {
        if (!container.livenessProbe) problems.push(`${name}: no livenessProbe`);
        if (!container.readinessProbe) problems.push(`${name}: no readinessProbe`);
      }
    };
    (pod.initContainers ?? []).forEach((c: Json) => check(c, true));
    (pod.containers ?? []).forEach((c: Json) => check(c, false));
  }
  return problems;
}
