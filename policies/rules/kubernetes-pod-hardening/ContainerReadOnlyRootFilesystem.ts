/** Containers cannot write to their image's filesystem (Checkov CKV_K8S_22). */
import { KUBERNETES_WORKLOAD_TYPES } from '../../../synthesis/resource-kinds';
import { ResourceRule } from '../../types';
import { expectBoolean } from '../../outcomes';
import { eachContainer } from './containers';

export const ContainerReadOnlyRootFilesystem: ResourceRule = {
  id: 'SC-K8S-2',
  name: 'ContainerReadOnlyRootFilesystem',
  family: 'kubernetes-pod-hardening',
  scope: 'resource',
  resourceTypes: KUBERNETES_WORKLOAD_TYPES,
  description: 'Every container sets security_context.read_only_root_filesystem = true (writable paths are volumes).',
  evaluate(workload) {
    return eachContainer(workload, (c) =>
      expectBoolean(
        c,
        'security_context.read_only_root_filesystem',
        true,
        'set read_only_root_filesystem = true; mount an emptyDir where the process writes',
        false,
      ),
    );
  },
};
