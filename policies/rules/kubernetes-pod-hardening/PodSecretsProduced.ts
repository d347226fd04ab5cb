/**
 * Every Secret a pod needs (secret volume, `secretKeyRef`, `envFrom.secretRef`) has a producer in
 * the same apps stack that the workload is ordered after (`depends_on`), or is declared external
 * on the workload. A pod whose Secret does not exist yet cannot start: its rollout times out, or
 * (a Job) it fails. The issue 15 review found Deployments mounting `cockroachdb-client-<service>`
 * with nothing ordering them after the Job that writes it. Producers and declarations are read
 * as the apps stack writes them: synthesis/kubernetes-secrets.ts.
 */
import { manifestsOf } from '../../../synthesis/kubernetes-objects';
import { externalSecrets, producedSecrets, referencedSecrets, SecretAwareObject } from '../../../synthesis/kubernetes-secrets';
import { asStrings } from '../../../synthesis/values';
import { StackOutcome, StackRule } from '../../types';

export const PodSecretsProduced: StackRule = {
  id: 'SC-K8S-8',
  name: 'PodSecretsProduced',
  family: 'kubernetes-pod-hardening',
  scope: 'stack',
  description:
    "A pod's Secrets (volumes, secretKeyRef, envFrom) are produced in the stack by a Secret or a Job annotated stagecraft.io/writes-secrets that the workload depends on, or declared external (stagecraft.io/external-secrets).",
  evaluate(stack) {
    const objects = manifestsOf(stack);
    const producers = new Map<string, string[]>();
    for (const o of objects)
      for (const secret of producedSecrets(o.manifest as unknown as SecretAwareObject))
        producers.set(secret, [...(producers.get(secret) ?? []), o.resource.address]);
    const outcomes: StackOutcome[] = [];
    for (const o of objects) {
      const object = o.manifest as unknown as SecretAwareObject;
      const needed = referencedSecrets(object);
      if (needed.length === 0) continue;
      const external = new Set(externalSecrets(object));
      const dependsOn = new Set(asStrings(o.resource.values.depends_on));
      const problems = needed.flatMap((secret) => {
        if (external.has(secret)) return [];
        const made = producers.get(secret) ?? [];
        if (made.length === 0)
          return [
            `Secret ${secret} has no producer in the stack (a Secret, or a Job annotated stagecraft.io/writes-secrets) and is not declared in stagecraft.io/external-secrets`,
          ];
        return made.some((p) => dependsOn.has(p))
          ? []
          : [`Secret ${secret} is produced by ${made.join(', ')}, which the workload does not depend on: its pods may start first`];
      });
      outcomes.push(
        problems.length === 0
          ? { status: 'compliant', address: o.resource.address }
          : { status: 'non-compliant', address: o.resource.address, message: `${o.kind} ${o.namespace ?? 'default'}/${o.name}: ${problems.join('; ')}` },
      );
    }
    return outcomes.length > 0 ? outcomes : [{ status: 'not-applicable', reason: 'no pod references a Secret' }];
  },
};
