/** Application hosts have termination protection (cdk-nag EC29). */
import { ResourceRule } from '../../types';
import { expectBoolean } from '../../outcomes';

export const InstanceTerminationProtection: ResourceRule = {
  id: 'SC-DP-7',
  name: 'InstanceTerminationProtection',
  family: 'deletion-protection-and-backups',
  scope: 'resource',
  resourceTypes: ['aws_instance'],
  description: 'EC2 instances set disable_api_termination = true.',
  evaluate(instance) {
    return expectBoolean(instance.values, 'disable_api_termination', true, 'set disable_api_termination = true', false);
  },
};
