/** A Cloudflare load balancer needs the Load Balancing add-on (review F6). */
import { ResourceRule } from '../../types';
import { compliant, nonCompliant } from '../../outcomes';
import { describeSubscription, planOf } from './cloudflare';

export const CloudflareLoadBalancingAddon: ResourceRule = {
  id: 'SC-PRE-2',
  name: 'CloudflareLoadBalancingAddon',
  family: 'preflight',
  scope: 'resource',
  resourceTypes: ['cloudflare_load_balancer'],
  description: 'Load balancers are used only where the account has the Load Balancing add-on (edge.addons: loadBalancing).',
  evaluate(_, stack) {
    const plan = planOf(stack);
    if ('status' in plan) return plan;
    if (plan.subscription.addons.includes('loadBalancing')) return compliant();
    return nonCompliant(`a load balancer needs the Load Balancing add-on; the zone is on ${describeSubscription(plan.subscription)}`);
  },
};
