/** Every VPC has flow logs (Checkov CKV2_AWS_11, cdk-nag VPC7). */
import { ResourceRule } from '../../types';
import { compliant, nonCompliant } from '../../outcomes';

export const VpcFlowLogs: ResourceRule = {
  id: 'SC-LOG-8',
  name: 'VpcFlowLogs',
  family: 'logging',
  scope: 'resource',
  resourceTypes: ['aws_vpc'],
  description: 'Every VPC has an aws_flow_log whose vpc_id refers to it.',
  evaluate(vpc, stack) {
    return stack.referencing('aws_flow_log', 'vpc_id', vpc).length > 0 ? compliant() : nonCompliant('no aws_flow_log refers to this VPC; record its traffic');
  },
};
