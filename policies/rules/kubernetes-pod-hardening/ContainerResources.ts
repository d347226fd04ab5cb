/**
 * Containers request CPU and memory and limit memory (Checkov CKV_K8S_10–13). A CPU limit is
 * not required: it throttles without protecting the node, which requests already do.
 */
import { KUBERNETES_WORKLOAD_TYPES } from '../../../synthesis/resource-kinds';
import { ResourceRule } from '../../types';
import { read } from '../../../synthesis/values';
import { compliant, nonCompliant } from '../../outcomes';
import { eachContainer } from './containers';

const REQUIRED = ['resources.requests.cpu', 'resources.requests.memory', 'resources.limits.memory'];

export const ContainerResources: ResourceRule = {
  id: 'SC-K8S-7',
  name: 'ContainerResources',
  family: 'kubernetes-pod-hardening',
  scope: 'resource',
  resourceTypes: KUBERNETES_WORKLOAD_TYPES,
  description: 'Every container sets resources.requests.cpu, resources.requests.memory and resources.limits.memory.',
  evaluate(workload) {
    return eachContainer(workload, (c) => {
      const missing = REQUIRED.filter((p) => read(c, p).kind === 'absent');
      return missing.length === 0
        ? compliant()
        : nonCompliant(`${missing.join(', ')} not set; the scheduler and the autoscaler size the cluster from requests`);
    });
  },
};
