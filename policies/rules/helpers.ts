/** Lookups several rules share: replicas, bucket companions, launch templates, pod containers. */
import { ResourceView, StackView } from '../types';
import { read, readAll } from '../../synthesis/values';
import { wildcardRegExp } from '../../synthesis/wildcard';

/** An RDS read replica: engine, storage and backups come from its source. */
export function isReadReplica(resource: ResourceView): boolean {
  return resource.type === 'aws_db_instance' && read(resource.values, 'replicate_source_db').kind !== 'absent';
}

/**
 * The resources of `type` that configure `bucket` through their `bucket` argument: by
 * reference (`${aws_s3_bucket.x.id}`) or, for a bucket with a literal name, by that name.
 */
export function bucketCompanions(stack: StackView, type: string, bucket: ResourceView): readonly ResourceView[] {
  const byReference = stack.referencing(type, 'bucket', bucket);
  const name = bucket.values.bucket;
  if (typeof name !== 'string' || name.includes('${')) return byReference;
  const byName = stack.resources(type).filter((r) => r.values.bucket === name);
  return [...new Set([...byReference, ...byName])];
}

/** The launch template a resource's `launch_template` block points at, when it is in the stack. */
export function launchTemplateOf(resource: ResourceView, stack: StackView): ResourceView | undefined {
  const reference = read(resource.values, 'launch_template.id');
  const byId = reference.kind === 'expression' ? stack.referenced(reference.expression) : undefined;
  if (byId) return byId;
  const name = read(resource.values, 'launch_template.name');
  if (name.kind === 'expression') return stack.referenced(name.expression);
  if (name.kind === 'value') return stack.resources('aws_launch_template').find((t) => t.values.name === name.value);
  return undefined;
}

/** True when the resource names a launch template at all (in this stack or not). */
export function hasLaunchTemplate(resource: ResourceView): boolean {
  return read(resource.values, 'launch_template').kind !== 'absent';
}

/**
 * The pod spec of a Kubernetes workload, in the typed resources' shape the apps stacks apply
 * (`spec.template.spec`, a CronJob's under `spec.job_template.spec`).
 */
export function podSpec(resource: ResourceView): unknown {
  if (/^kubernetes_cron_job(_v1)?$/.test(resource.type)) return readAll(resource.values, 'spec.job_template.spec.template.spec')[0];
  return readAll(resource.values, 'spec.template.spec')[0];
}

/** The containers of a workload's pod template, each with its name for messages. */
export function containers(resource: ResourceView): Array<{ name: string; values: unknown }> {
  return readAll(podSpec(resource), 'container')
    .flatMap((c) => (Array.isArray(c) ? c : [c]))
    .map((values, i) => {
      const name = (values as Record<string, unknown>)?.name;
      return { name: typeof name === 'string' ? name : `#${i}`, values };
    });
}

/**
 * Whether an IAM policy's `Resource` entry names the Secrets Manager `secret`: by a reference to
 * it (`${aws_secretsmanager_secret.x.arn}`) or by an ARN built from its name, where Secrets
 * Manager's six-character suffix is a pattern (`…:secret:<name>-??????`, constructs/shared/arn.ts)
 * or any wider pattern (`*`, `…:secret:<prefix>*`) that lets its name in.
 */
export function namesSecret(resource: string, secret: ResourceView): boolean {
  if (resource === '*' || resource.includes(`\${${secret.address}.`)) return true;
  const name = secret.values.name;
  if (typeof name !== 'string' || name.includes('${')) return false;
  // The account and partition may be references (an environment naming no account): the name decides.
  const at = resource.indexOf(':secret:');
  if (!resource.startsWith('arn:') || at < 0) return false;
  const pattern = resource.slice(at + ':secret:'.length);
  if (pattern.includes('${')) return false;
  // A name Secrets Manager gave its suffix: any six characters stand for it.
  return wildcardRegExp(pattern).test(`${name}-AbCdEf`);
}

/** The stacks of `stack`'s environment it is deployed after, directly or not; undefined when the order is not known. */
export function deployedAfter(stack: StackView): StackView[] | undefined {
  if (stack.dependencies === undefined) return undefined;
  const stacks = new Map(stack.environmentStacks().map((s) => [s.name, s]));
  const seen = new Set<string>();
  const walk = (names: readonly string[]): void => {
    for (const name of names) {
      if (seen.has(name) || name === stack.name) continue;
      seen.add(name);
      walk(stacks.get(name)?.dependencies ?? []);
    }
  };
  walk(stack.dependencies);
  return [...seen].flatMap((name) => stacks.get(name) ?? []);
}
