/** Load balancers have deletion protection (Checkov CKV_AWS_150, cdk-nag ELB deletion protection). */
import { ResourceRule } from '../../types';
import { expectBoolean } from '../../outcomes';

export const LoadBalancerDeletionProtection: ResourceRule = {
  id: 'SC-DP-6',
  name: 'LoadBalancerDeletionProtection',
  family: 'deletion-protection-and-backups',
  scope: 'resource',
  resourceTypes: ['aws_lb', 'aws_alb'],
  description: 'Load balancers set enable_deletion_protection = true; their DNS names are what the edge points at.',
  evaluate(lb) {
    return expectBoolean(lb.values, 'enable_deletion_protection', true, 'set enable_deletion_protection = true', false);
  },
};
