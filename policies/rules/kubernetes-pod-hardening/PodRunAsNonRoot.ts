/** Pods run as a non-root user (Checkov CKV_K8S_23, Pod Security "restricted"). */
import { KUBERNETES_WORKLOAD_TYPES } from '../../../synthesis/resource-kinds';
import { ResourceRule } from '../../types';
import { asBoolean, read } from '../../../synthesis/values';
import { compliant, expectBoolean } from '../../outcomes';
import { podSpec } from '../helpers';
import { eachContainer } from './containers';

export const PodRunAsNonRoot: ResourceRule = {
  id: 'SC-K8S-1',
  name: 'PodRunAsNonRoot',
  family: 'kubernetes-pod-hardening',
  scope: 'resource',
  resourceTypes: KUBERNETES_WORKLOAD_TYPES,
  description: "The pod security_context, or every container's, sets run_as_non_root = true.",
  evaluate(workload) {
    const pod = read(podSpec(workload), 'security_context.run_as_non_root');
    if (pod.kind === 'value' && asBoolean(pod.value) === true) return compliant();
    return eachContainer(workload, (container) =>
      expectBoolean(container, 'security_context.run_as_non_root', true, 'set run_as_non_root = true on the pod or the container', false),
    );
  },
};
