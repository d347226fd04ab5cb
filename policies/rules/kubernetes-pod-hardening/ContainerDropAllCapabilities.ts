/** Containers drop every Linux capability (Checkov CKV_K8S_28/37). */
import { KUBERNETES_WORKLOAD_TYPES } from '../../../synthesis/resource-kinds';
import { ResourceRule } from '../../types';
import { asStrings } from '../../../synthesis/values';
import { expect } from '../../outcomes';
import { eachContainer } from './containers';

export const ContainerDropAllCapabilities: ResourceRule = {
  id: 'SC-K8S-4',
  name: 'ContainerDropAllCapabilities',
  family: 'kubernetes-pod-hardening',
  scope: 'resource',
  resourceTypes: KUBERNETES_WORKLOAD_TYPES,
  description: 'Every container sets security_context.capabilities.drop = ["ALL"] (adding back only what it needs).',
  evaluate(workload) {
    return eachContainer(workload, (c) =>
      expect(c, 'security_context.capabilities.drop', (v) => asStrings(v).includes('ALL'), 'drop "ALL" and add back only what the process needs'),
    );
  },
};
