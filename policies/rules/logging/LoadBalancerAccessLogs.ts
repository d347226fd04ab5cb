/** Load balancers write access logs (Checkov CKV_AWS_91, cdk-nag ELB2). */
import { ResourceRule } from '../../types';
import { read } from '../../../synthesis/values';
import { allOf, expectBoolean, expectPresent, notApplicable } from '../../outcomes';

export const LoadBalancerAccessLogs: ResourceRule = {
  id: 'SC-LOG-2',
  name: 'LoadBalancerAccessLogs',
  family: 'logging',
  scope: 'resource',
  resourceTypes: ['aws_lb', 'aws_alb'],
  description: 'Application and network load balancers set access_logs with enabled = true and a bucket.',
  evaluate(lb) {
    const type = read(lb.values, 'load_balancer_type');
    if (type.kind === 'value' && type.value === 'gateway') return notApplicable('gateway load balancers have no access logs');
    return allOf(
      expectBoolean(lb.values, 'access_logs.enabled', true, 'set access_logs.enabled = true', false),
      expectPresent(lb.values, 'access_logs.bucket', "name the region's log bucket"),
    );
  },
};
