/** Standalone EC2 hosts belong to launch and traction; from growth on, compute runs on EKS node groups. */
import { isAtLeast } from '../../../config/stages';
import { ResourceRule } from '../../types';
import { compliant, nonCompliant, notApplicable } from '../../outcomes';

export const StandaloneHostsBeforeGrowth: ResourceRule = {
  id: 'SC-STG-5',
  name: 'StandaloneHostsBeforeGrowth',
  family: 'stage-aware',
  scope: 'resource',
  resourceTypes: ['aws_instance'],
  description: 'From growth on, there is no standalone aws_instance: a single host is a single point of failure.',
  evaluate(_instance, stack) {
    if (!stack.stage) return notApplicable('stage unknown');
    if (!isAtLeast(stack.stage, 'growth')) return compliant();
    return nonCompliant(`${stack.stage} runs on EKS node groups behind the ALB; a standalone host is a single point of failure`);
  },
};
