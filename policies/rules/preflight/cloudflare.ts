/** What the Cloudflare preflight rules share: the plan a stack states, and its limits. */
import { CLOUDFLARE_PLAN_LIMITS, CloudflarePlanLimits, CloudflareSubscription } from '../../../config/cloudflare-plans';
import { StackView } from '../../types';
import { couldNotEvaluate } from '../../outcomes';
import { Outcome } from '../../types';

/** The stack's subscription and its limits, or the "could not evaluate" outcome when it states none. */
export function planOf(stack: StackView): { subscription: CloudflareSubscription; limits: CloudflarePlanLimits } | Outcome {
  const subscription = stack.cloudflare;
  if (!subscription) {
    return couldNotEvaluate('the stack does not state its Cloudflare plan (the zone lookup\'s "//" metadata); synthesize it with this version of Stagecraft');
  }
  return { subscription, limits: CLOUDFLARE_PLAN_LIMITS[subscription.plan] };
}

/** How a message names the subscription: `the pro plan (add-ons: loadBalancing)`. */
export function describeSubscription(subscription: CloudflareSubscription): string {
  return `the ${subscription.plan} plan (add-ons: ${subscription.addons.length > 0 ? subscription.addons.join(', ') : 'none'})`;
}
