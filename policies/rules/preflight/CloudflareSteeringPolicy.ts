/** Geo, proximity and dynamic steering need the Traffic Steering add-on (review F6). */
import { ResourceRule } from '../../types';
import { read } from '../../../synthesis/values';
import { BASIC_STEERING_POLICIES } from '../../../config/cloudflare-plans';
import { compliant, nonCompliant, unresolved } from '../../outcomes';
import { describeSubscription, planOf } from './cloudflare';

export const CloudflareSteeringPolicy: ResourceRule = {
  id: 'SC-PRE-3',
  name: 'CloudflareSteeringPolicy',
  family: 'preflight',
  scope: 'resource',
  resourceTypes: ['cloudflare_load_balancer'],
  description:
    'Steering other than off or random (geo, proximity, dynamic, least outstanding requests) and region/country/PoP pools need the Traffic Steering add-on.',
  evaluate(balancer, stack) {
    const plan = planOf(stack);
    if ('status' in plan) return plan;
    if (plan.subscription.addons.includes('trafficSteering')) return compliant();
    const policy = read(balancer.values, 'steering_policy');
    if (policy.kind === 'expression') return unresolved('steering_policy', policy.expression);
    const problems: string[] = [];
    if (policy.kind === 'value' && !BASIC_STEERING_POLICIES.includes(String(policy.value))) problems.push(`steering_policy is "${String(policy.value)}"`);
    for (const pools of ['region_pools', 'country_pools', 'pop_pools']) {
      if (read(balancer.values, pools).kind !== 'absent') problems.push(`${pools} is set`);
    }
    if (problems.length === 0) return compliant();
    return nonCompliant(`${problems.join(', ')}: that needs the Traffic Steering add-on; the zone is on ${describeSubscription(plan.subscription)}`);
  },
};
