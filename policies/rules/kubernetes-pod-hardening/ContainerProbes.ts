/**
 * Containers of long-running workloads have liveness and readiness probes (Checkov CKV_K8S_8 and
 * CKV_K8S_9). Jobs and CronJobs run to completion, bounded by deadlines and retry limits: no probes.
 */
import { KUBERNETES_RUN_TO_COMPLETION_TYPES, KUBERNETES_WORKLOAD_TYPES } from '../../../synthesis/resource-kinds';
import { ResourceRule } from '../../types';
import { read } from '../../../synthesis/values';
import { compliant, nonCompliant, notApplicable } from '../../outcomes';
import { eachContainer } from './containers';

export const ContainerProbes: ResourceRule = {
  id: 'SC-K8S-6',
  name: 'ContainerProbes',
  family: 'kubernetes-pod-hardening',
  scope: 'resource',
  resourceTypes: KUBERNETES_WORKLOAD_TYPES,
  description: 'Every container of a long-running workload sets liveness_probe and readiness_probe.',
  evaluate(workload) {
    if (KUBERNETES_RUN_TO_COMPLETION_TYPES.includes(workload.type)) {
      const kind = workload.type.includes('cron') ? 'CronJob' : 'Job';
      return notApplicable(`a ${kind} runs to completion, bounded by its deadline and retry limit; probes are for long-running pods`);
    }
    return eachContainer(workload, (c) => {
      const missing = ['liveness_probe', 'readiness_probe'].filter((p) => read(c, p).kind === 'absent');
      return missing.length === 0 ? compliant() : nonCompliant(`${missing.join(' and ')} not set; the ALB and rollouts need to know when a pod can serve`);
    });
  },
};
