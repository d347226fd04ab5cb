/** EKS sends every control-plane log type to CloudWatch (Checkov CKV_AWS_37, cdk-nag EKS2). */
import { ResourceRule } from '../../types';
import { asStrings } from '../../../synthesis/values';
import { expect } from '../../outcomes';

export const CONTROL_PLANE_LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

export const EksControlPlaneLogging: ResourceRule = {
  id: 'SC-LOG-1',
  name: 'EksControlPlaneLogging',
  family: 'logging',
  scope: 'resource',
  resourceTypes: ['aws_eks_cluster'],
  description: `EKS clusters enable every control-plane log type: ${CONTROL_PLANE_LOG_TYPES.join(', ')}.`,
  evaluate(cluster) {
    return expect(
      cluster.values,
      'enabled_cluster_log_types',
      (v) => CONTROL_PLANE_LOG_TYPES.every((t) => asStrings(v).includes(t)),
      `enable ${CONTROL_PLANE_LOG_TYPES.join(', ')}; audit and authenticator logs are what an incident needs`,
    );
  },
};
