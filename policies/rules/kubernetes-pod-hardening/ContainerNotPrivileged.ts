/** No container runs privileged (Checkov CKV_K8S_16). */
import { KUBERNETES_WORKLOAD_TYPES } from '../../../synthesis/resource-kinds';
import { ResourceRule } from '../../types';
import { expectBoolean } from '../../outcomes';
import { eachContainer } from './containers';

export const ContainerNotPrivileged: ResourceRule = {
  id: 'SC-K8S-5',
  name: 'ContainerNotPrivileged',
  family: 'kubernetes-pod-hardening',
  scope: 'resource',
  resourceTypes: KUBERNETES_WORKLOAD_TYPES,
  description: 'No container sets security_context.privileged = true.',
  evaluate(workload) {
    return eachContainer(workload, (c) => expectBoolean(c, 'security_context.privileged', false, 'a privileged container is root on the node', false));
  },
};
