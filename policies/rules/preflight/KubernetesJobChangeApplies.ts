/**
 * A change to a Job's pod template must reach the cluster as a new Job: the API refuses any update
 * of a Job's `spec.template` (immutable). The apps stacks apply Jobs as `kubernetes_job_v1`, whose
 * whole `spec` is ForceNew in the provider, so terraform deletes the old Job and creates the new
 * one: compliant, unless `create_before_destroy` makes the new Job take the name the old one still
 * holds (AlreadyExists). A Job applied as `kubernetes_manifest` is patched in place, so a changed
 * template is refused at apply, unless its name changes with it (a name ending in a hash of what
 * the Job runs, as the operations and CockroachDB init Jobs do) or the API generates it. Review D2.
 *
 * A Job terraform manages must also stay until terraform replaces it: with `ttlSecondsAfterFinished`
 * the cluster deletes the finished Job, the provider's read finds it gone and drops it from state
 * (kubernetes_job_v1's read in provider 2.38 clears the id on NotFound), and the next plan creates
 * it again, so the Job re-runs on every apply once its TTL has passed
 * (terraform-provider-kubernetes#2531; keeping a TTL-0 Job in state shipped in 2.34.0 and was
 * reverted, #2650).
 */
import { ResourceRule } from '../../types';
import { asBoolean, read, Read } from '../../../synthesis/values';
import { compliant, nonCompliant, notApplicable } from '../../outcomes';

/** `<name>-<8+ hex digits>`: a name that changes with what the Job runs. */
const HASHED_NAME = /-[0-9a-f]{8,}$/;

const shownName = (name: Read): string =>
  name.kind === 'value' ? JSON.stringify(name.value) : name.kind === 'expression' ? `"${name.expression}"` : '(generated name)';

/** The finding for a TTL on a Job terraform manages, or undefined when none is set. */
function ttlFinding(ttl: Read, name: Read): string | undefined {
  if (ttl.kind === 'absent') return undefined;
  const value = ttl.kind === 'value' ? String(ttl.value) : ttl.expression;
  return (
    `the Job ${shownName(name)} sets ttlSecondsAfterFinished (${value}): the cluster deletes the finished Job, terraform then finds it gone ` +
    'and the next apply creates it again, re-running it; drop the TTL from a Job terraform manages'
  );
}

export const KubernetesJobChangeApplies: ResourceRule = {
  id: 'SC-PRE-16',
  name: 'KubernetesJobChangeApplies',
  family: 'preflight',
  scope: 'resource',
  resourceTypes: ['kubernetes_job', 'kubernetes_job_v1', 'kubernetes_manifest'],
  description:
    "A change to a Job's template reaches the cluster as a new Job: kubernetes_job_v1 without create_before_destroy under a fixed name, or a kubernetes_manifest Job whose name carries a hash; and no Job terraform manages sets ttlSecondsAfterFinished (the cluster would delete it and the next apply re-run it).",
  evaluate(resource) {
    if (resource.type === 'kubernetes_manifest') {
      const kind = read(resource.values, 'manifest.kind');
      if (kind.kind !== 'value' || kind.value !== 'Job') return notApplicable('not a Job');
      const name = read(resource.values, 'manifest.metadata.name');
      const ttl = ttlFinding(read(resource.values, 'manifest.spec.ttlSecondsAfterFinished'), name);
      if (ttl) return nonCompliant(ttl);
      if (name.kind === 'absent') return compliant();
      if (name.kind === 'value' && HASHED_NAME.test(String(name.value))) return compliant();
      return nonCompliant(
        `the Job ${shownName(name)} is applied as a kubernetes_manifest, which patches it in place: the API refuses any change to a Job's pod template (immutable); ` +
          'apply it as kubernetes_job_v1 (replaced on change) or end its name in a hash of what it runs',
      );
    }
    const createFirst = read(resource.values, 'lifecycle.create_before_destroy');
    const name = read(resource.values, 'metadata.name');
    const ttl = ttlFinding(read(resource.values, 'spec.ttl_seconds_after_finished'), name);
    if (ttl) return nonCompliant(ttl);
    if (createFirst.kind === 'value' && asBoolean(createFirst.value) === true && name.kind !== 'absent') {
      return nonCompliant(
        `create_before_destroy on the Job ${shownName(name)}: a changed spec replaces the Job, and the new one cannot be created while the old one holds the name (AlreadyExists); use metadata.generate_name or drop create_before_destroy`,
      );
    }
    return compliant();
  },
};
