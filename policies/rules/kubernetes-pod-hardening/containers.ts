/** Runs a check on every container of a Kubernetes workload's pod template and combines the outcomes. */
import { Outcome, ResourceView } from '../../types';
import { allOf, compliant, couldNotEvaluate, nonCompliant, notApplicable } from '../../outcomes';
import { containers, podSpec } from '../helpers';

export function eachContainer(workload: ResourceView, check: (container: unknown, podSpec: unknown) => Outcome): Outcome {
  const list = containers(workload);
  if (list.length === 0) return notApplicable('no containers in spec.template.spec');
  const pod = podSpec(workload);
  const outcomes = list.map(({ name, values }) => {
    const outcome = check(values, pod);
    if (outcome.status === 'non-compliant') return nonCompliant(`container "${name}": ${outcome.message}`);
    if (outcome.status === 'could-not-evaluate') return couldNotEvaluate(`container "${name}": ${outcome.message}`);
    return outcome.status === 'compliant' ? compliant() : outcome;
  });
  return allOf(...outcomes);
}
