/** The VPC's default security group allows nothing (Checkov CKV2_AWS_12). */
import { ResourceRule } from '../../types';
import { readAll } from '../../../synthesis/values';
import { compliant, nonCompliant } from '../../outcomes';

export const DefaultSecurityGroupClosed: ResourceRule = {
  id: 'SC-PUB-10',
  name: 'DefaultSecurityGroupClosed',
  family: 'public-exposure',
  scope: 'resource',
  resourceTypes: ['aws_default_security_group'],
  description: 'aws_default_security_group has no ingress and no egress rules.',
  evaluate(group) {
    const rules = ['ingress', 'egress'].filter((k) => readAll(group.values, k).flatMap((v) => (Array.isArray(v) ? v : [v])).length > 0);
    return rules.length === 0
      ? compliant()
      : nonCompliant(`the default security group has ${rules.join(' and ')} rules; anything launched without a group would get them`);
  },
};
