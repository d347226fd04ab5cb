/**
 * A change to a Job's pod template must reach the cluster as a new Job: the API refuses any update
 * of a Job's `spec.template` (immutable). The apps stacks apply Jobs as `kubernetes_job_v1`, whose
 * whole `spec` is ForceNew in the provider, so terraform deletes the old Job and creates the new
 * one: compliant, unless `create_before_destroy` makes the new Job take the name the old one still
 * holds (AlreadyExists). A Job applied as `kubernetes_manifest` is patched in place, so a changed
 * template is refused at apply, unless its name changes with it (a name ending in a hash of what
 * the Job runs, as the operations and CockroachDB init Jobs do) or the API generates it. Review D2.
 */
import { ResourceRule } from '../../types';
import { asBoolean, read } from '../../../synthesis/values';
import { compliant, nonCompliant, notApplicable } from '../../outcomes';

/** `<name>-<8+ hex digits>`: a name that changes with what the Job runs. */
const HASHED_NAME = /-[0-9a-f]{8,}$/;

export const KubernetesJobChangeApplies: ResourceRule = {
  id: 'SC-PRE-16',
  name: 'KubernetesJobChangeApplies',
  family: 'preflight',
  scope: 'resource',
  resourceTypes: ['kubernetes_job', 'kubernetes_job_v1', 'kubernetes_manifest'],
  description:
    "A change to a Job's template reaches the cluster as a new Job: kubernetes_job_v1 without create_before_destroy under a fixed name, or a kubernetes_manifest Job whose name carries a hash.",
  evaluate(resource) {
    if (resource.type === 'kubernetes_manifest') {
      const kind = read(resource.values, 'manifest.kind');
      if (kind.kind !== 'value' || kind.value !== 'Job') return notApplicable('not a Job');
      const name = read(resource.values, 'manifest.metadata.name');
      if (name.kind === 'absent') return compliant();
      if (name.kind === 'value' && HASHED_NAME.test(String(name.value))) return compliant();
      const shown = name.kind === 'value' ? JSON.stringify(name.value) : `"${name.expression}"`;
      return nonCompliant(
        `the Job ${shown} is applied as a kubernetes_manifest, which patches it in place: the API refuses any change to a Job's pod template (immutable); ` +
          'apply it as kubernetes_job_v1 (replaced on change) or end its name in a hash of what it runs',
      );
    }
    const createFirst = read(resource.values, 'lifecycle.create_before_destroy');
    const name = read(resource.values, 'metadata.name');
    if (createFirst.kind === 'value' && asBoolean(createFirst.value) === true && name.kind !== 'absent') {
      const shown = name.kind === 'value' ? JSON.stringify(name.value) : `"${name.expression}"`;
      return nonCompliant(
        `create_before_destroy on the Job ${shown}: a changed spec replaces the Job, and the new one cannot be created while the old one holds the name (AlreadyExists); use metadata.generate_name or drop create_before_destroy`,
      );
    }
    return compliant();
  },
};
