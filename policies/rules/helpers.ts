/** Lookups several rules share: replicas, bucket companions, launch templates, pod containers. */
import { ResourceView, StackView } from '../types';
import { read, readAll } from '../../synthesis/values';

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

/** The pod spec of a Kubernetes workload (`spec.template.spec`). */
export function podSpec(resource: ResourceView): unknown {
  if (resource.type === 'kubernetes_manifest') return manifestPodSpec(resource.values.manifest);
  return readAll(resource.values, 'spec.template.spec')[0];
}

/** Kinds of `kubernetes_manifest` objects that carry a pod template, and where it is. */
const MANIFEST_POD_TEMPLATES: Readonly<Record<string, string>> = {
  Deployment: 'spec.template.spec',
  StatefulSet: 'spec.template.spec',
  DaemonSet: 'spec.template.spec',
  ReplicaSet: 'spec.template.spec',
  Job: 'spec.template.spec',
  CronJob: 'spec.jobTemplate.spec.template.spec',
};

/**
 * The pod spec of a manifest in the shape of the provider's typed resources, which the rules
 * read: snake_case keys, and `container`/`init_container` for the container lists.
 */
function manifestPodSpec(manifest: unknown): unknown {
  const kind = (manifest as { kind?: unknown } | undefined)?.kind;
  const path = typeof kind === 'string' ? MANIFEST_POD_TEMPLATES[kind] : undefined;
  return path === undefined ? undefined : providerShape(readAll(manifest, path)[0]);
}

const RENAMED: Readonly<Record<string, string>> = { containers: 'container', initContainers: 'init_container' };

function providerShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(providerShape);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      RENAMED[key] ?? (/^[a-z][A-Za-z0-9]*$/.test(key) ? key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : key),
      providerShape(inner),
    ]),
  );
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
