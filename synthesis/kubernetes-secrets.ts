/**
 * Which Secrets a pod needs and who makes them (issue 15 review: a Deployment mounted
 * `cockroachdb-client-<service>` while nothing ordered it after the Job that writes it, so its
 * pods could start, fail to mount, and the rollout time out). A Secret a pod template references
 * (secret volume, `secretKeyRef`, `envFrom.secretRef`) is produced in the same apps stack by
 * - a `Secret` object, or
 * - a Job that writes it through the API and says so in `WRITES_SECRETS_ANNOTATION`,
 * or it is declared external on the workload (`EXTERNAL_SECRETS_ANNOTATION`: made by something
 * outside the stack, e.g. an operator). The apps stack orders each workload after its producers
 * (`depends_on`); guardrail SC-K8S-8 (PodSecretsProduced) fails a workload whose Secret has neither, or that is not
 * ordered after its producer. Here, in synthesis/, because the apps stack and the guardrail both read it.
 */

/** What these readers need of a Kubernetes object (services/kubernetes/object.ts `KubernetesObject` fits). */
export interface SecretAwareObject {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly annotations?: Readonly<Record<string, string>> };
  readonly [field: string]: unknown;
}

/** On a Job: comma-separated `<namespace>/<name>` of the Secrets it writes. */
export const WRITES_SECRETS_ANNOTATION = 'stagecraft.io/writes-secrets';
/** On a workload: comma-separated names of Secrets (in its namespace) made outside this stack. */
export const EXTERNAL_SECRETS_ANNOTATION = 'stagecraft.io/external-secrets';

/** Kinds whose pod template can reference Secrets. */
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

type Json = Record<string, unknown>;
const asList = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);

/** The pod spec of a workload object (a CronJob's is one level deeper), or undefined. */
export function podSpecOf(object: SecretAwareObject): Json | undefined {
  if (!WORKLOAD_KINDS.has(object.kind)) return undefined;
  const spec = object.spec as Json | undefined;
  const template = object.kind === 'CronJob' ? ((spec?.jobTemplate as Json | undefined)?.spec as Json | undefined)?.template : spec?.template;
  return (template as Json | undefined)?.spec as Json | undefined;
}

/** `<namespace>/<name>` of every Secret a workload's pods need (optional references excluded). */
export function referencedSecrets(object: SecretAwareObject): string[] {
  const pod = podSpecOf(object);
  if (!pod) return [];
  const namespace = object.metadata.namespace ?? 'default';
  const names = new Set<string>();
  for (const volume of asList(pod.volumes)) {
    const secret = volume.secret as Json | undefined;
    if (typeof secret?.secretName === 'string' && secret.optional !== true) names.add(secret.secretName);
  }
  for (const container of [...asList(pod.initContainers), ...asList(pod.containers)]) {
    for (const env of asList(container.env)) {
      const ref = (env.valueFrom as Json | undefined)?.secretKeyRef as Json | undefined;
      if (typeof ref?.name === 'string' && ref.optional !== true) names.add(ref.name);
    }
    for (const from of asList(container.envFrom)) {
      const ref = from.secretRef as Json | undefined;
      if (typeof ref?.name === 'string' && ref.optional !== true) names.add(ref.name);
    }
  }
  return [...names].sort().map((name) => `${namespace}/${name}`);
}

/** `<namespace>/<name>` of every Secret an object produces: itself if a Secret, what a Job says it writes. */
export function producedSecrets(object: SecretAwareObject): string[] {
  if (object.kind === 'Secret') return [`${object.metadata.namespace ?? 'default'}/${object.metadata.name}`];
  const written = object.metadata.annotations?.[WRITES_SECRETS_ANNOTATION];
  if (object.kind !== 'Job' || written === undefined) return [];
  return written
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** `<namespace>/<name>` of the Secrets a workload declares as made outside its stack. */
export function externalSecrets(object: SecretAwareObject): string[] {
  const declared = object.metadata.annotations?.[EXTERNAL_SECRETS_ANNOTATION];
  if (declared === undefined) return [];
  const namespace = object.metadata.namespace ?? 'default';
  return declared
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((name) => `${namespace}/${name}`);
}
