/**
 * A worker whose scaling rule is `queue` (issue 18 item 2) has its pod count set by the region's
 * queue-scaler (services/platform/queue-scaler.ts) and by nothing else: its Deployment sets no
 * `replicas` (terraform would put its own count back on every apply), no HorizontalPodAutoscaler
 * targets it (two controllers would fight over the count), the queue-scaler its annotation names
 * is in the stack and scales it with the same range and target, and a Role bound to that scaler's
 * ServiceAccount lets it get and patch this Deployment's `scale` (otherwise every PATCH is refused
 * and the worker stays at the count it was created with: one pod, whatever the backlog). Read from
 * the objects as the apps stack applies them (synthesis/queue-scaling.ts).
 */
import { manifestsOf, ManifestView } from '../../../synthesis/kubernetes-objects';
import { parseQueueScalerTargets, QUEUE_SCALER_TARGETS_ENV, queueScalingOf } from '../../../synthesis/queue-scaling';
import { isExpression, record } from '../../../synthesis/values';
import { StackOutcome, StackRule } from '../../types';

const list = (value: unknown): Record<string, unknown>[] =>
  Array.isArray(value)
    ? value.flatMap((v: unknown): Array<Record<string, unknown>> => {
        const r = record(v);
        return r ? [r] : [];
      })
    : [];
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/** The value of `name` in any container of a Deployment's pod template. */
function containerEnv(deployment: ManifestView, name: string): unknown {
  const containers = list(record(record(record(deployment.manifest.spec)?.template)?.spec)?.containers);
  return containers.flatMap((c) => list(c.env)).find((e) => e.name === name)?.value;
}

/** Whether a Role in `namespace`, bound to `account`, allows get and patch on `deployment`'s scale. */
function mayScale(objects: readonly ManifestView[], namespace: string, account: { namespace: string; name: string }, deployment: string): boolean {
  const bound = objects
    .filter((o) => o.kind === 'RoleBinding' && (o.namespace ?? 'default') === namespace)
    .filter((b) => list(b.manifest.subjects).some((s) => s.kind === 'ServiceAccount' && s.name === account.name && s.namespace === account.namespace))
    .map((b) => record(b.manifest.roleRef))
    .filter((ref) => ref?.kind === 'Role')
    .map((ref) => String(ref!.name));
  const roles = objects.filter((o) => o.kind === 'Role' && (o.namespace ?? 'default') === namespace && bound.includes(o.name));
  const verbs = new Set(
    roles.flatMap((role) =>
      list(role.manifest.rules)
        .filter((r) => strings(r.apiGroups).includes('apps') && strings(r.resources).includes('deployments/scale'))
        .filter((r) => r.resourceNames === undefined || strings(r.resourceNames).includes(deployment))
        .flatMap((r) => strings(r.verbs)),
    ),
  );
  return ['get', 'patch'].every((v) => verbs.has(v) || verbs.has('*'));
}

export const QueueScaledWorkloadHasScaler: StackRule = {
  id: 'SC-K8S-10',
  name: 'QueueScaledWorkloadHasScaler',
  family: 'kubernetes-pod-hardening',
  scope: 'stack',
  description:
    'A Deployment annotated stagecraft.io/queue-scaling sets no replicas and has no HPA, and the queue-scaler it names is in the stack, scales it with the same range and target, and may get and patch its scale (a bound Role).',
  evaluate(stack) {
    const objects = manifestsOf(stack);
    const outcomes: StackOutcome[] = [];
    for (const worker of objects.filter((o) => o.kind === 'Deployment')) {
      const scaling = queueScalingOf(worker.manifest);
      if (!scaling) continue;
      const namespace = worker.namespace ?? 'default';
      const where = `Deployment ${namespace}/${worker.name}`;
      const address = worker.resource.address;
      const problems: string[] = [];
      if (record(worker.manifest.spec)?.replicas !== undefined)
        problems.push('it sets replicas, which terraform puts back on every apply over the count the queue-scaler set');
      const hpas = objects.filter((o) => {
        const target = record(record(o.manifest.spec)?.scaleTargetRef);
        return o.kind === 'HorizontalPodAutoscaler' && (o.namespace ?? 'default') === namespace && target?.kind === 'Deployment' && target.name === worker.name;
      });
      if (hpas.length > 0) problems.push(`${hpas.map((h) => h.resource.address).join(', ')} scales it too: two controllers would fight over its count`);
      const [scalerNamespace, scalerName] = scaling.scaler.split('/');
      const scaler = objects.find((o) => o.kind === 'Deployment' && (o.namespace ?? 'default') === scalerNamespace && o.name === scalerName);
      if (!scaler) {
        problems.push(`the queue-scaler it names (${scaling.scaler}) is not in the stack, so nothing sets its count`);
      } else {
        const targets = containerEnv(scaler, QUEUE_SCALER_TARGETS_ENV);
        if (isExpression(targets)) {
          outcomes.push({
            status: 'could-not-evaluate',
            address,
            message: `${where}: ${scaling.scaler}'s ${QUEUE_SCALER_TARGETS_ENV} is the expression "${targets}"`,
          });
          continue;
        }
        const line = parseQueueScalerTargets(typeof targets === 'string' ? targets : '').find((t) => t.deployment === worker.name);
        if (!line) problems.push(`${scaling.scaler} does not scale it (no line for ${worker.name} in ${QUEUE_SCALER_TARGETS_ENV})`);
        else if (line.min !== scaling.min || line.max !== scaling.max || line.targetPerPod !== scaling.targetPerPod)
          problems.push(
            `${scaling.scaler} scales it ${line.min}–${line.max} at ${line.targetPerPod} per pod, not ${scaling.min}–${scaling.max} at ${scaling.targetPerPod} as its annotation says`,
          );
        const account = String(record(record(record(scaler.manifest.spec)?.template)?.spec)?.serviceAccountName ?? 'default');
        if (!mayScale(objects, namespace, { namespace: scalerNamespace, name: account }, worker.name))
          problems.push(
            `no Role bound to ${scalerNamespace}/${account} allows get and patch on deployments/scale of ${worker.name} in ${namespace}: the queue-scaler's reads and PATCHes are refused`,
          );
      }
      outcomes.push(problems.length > 0 ? { status: 'non-compliant', address, message: `${where}: ${problems.join('; ')}` } : { status: 'compliant', address });
    }
    return outcomes.length > 0 ? outcomes : [{ status: 'not-applicable', reason: 'no Deployment is scaled on its queue' }];
  },
};
