/** Containers have liveness and readiness probes (Checkov CKV_K8S_8 and CKV_K8S_9). */
import { KUBERNETES_WORKLOAD_TYPES } from '../../resource-kinds';
import { ResourceRule } from '../../types';
import { compliant, nonCompliant, read } from '../../values';
import { eachContainer } from './containers';

export const ContainerProbes: ResourceRule = {
  id: 'SC-K8S-6',
  name: 'ContainerProbes',
  family: 'kubernetes-pod-hardening',
  scope: 'resource',
  resourceTypes: KUBERNETES_WORKLOAD_TYPES,
  description: 'Every container sets liveness_probe and readiness_probe.',
  evaluate(workload) {
    return eachContainer(workload, (c) => {
      const missing = ['liveness_probe', 'readiness_probe'].filter((p) => read(c, p).kind === 'absent');
      return missing.length === 0 ? compliant() : nonCompliant(`${missing.join(' and ')} not set; the ALB and rollouts need to know when a pod can serve`);
    });
  },
};
