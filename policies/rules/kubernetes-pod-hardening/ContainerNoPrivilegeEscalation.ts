/** Containers cannot gain privileges (Checkov CKV_K8S_20); Kubernetes allows it unless told otherwise. */
import { KUBERNETES_WORKLOAD_TYPES } from '../../../synthesis/resource-kinds';
import { ResourceRule } from '../../types';
import { expectBoolean } from '../../outcomes';
import { eachContainer } from './containers';

export const ContainerNoPrivilegeEscalation: ResourceRule = {
  id: 'SC-K8S-3',
  name: 'ContainerNoPrivilegeEscalation',
  family: 'kubernetes-pod-hardening',
  scope: 'resource',
  resourceTypes: KUBERNETES_WORKLOAD_TYPES,
  description: 'Every container sets security_context.allow_privilege_escalation = false explicitly.',
  evaluate(workload) {
    return eachContainer(workload, (c) =>
      expectBoolean(c, 'security_context.allow_privilege_escalation', false, 'set allow_privilege_escalation = false (the default is true)', true),
    );
  },
};
