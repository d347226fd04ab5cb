/** Load balancer monitors probe no more often than the zone's plan allows (review F2). */
import { ResourceRule } from '../../types';
import { asNumber, read } from '../../../synthesis/values';
import { compliant, nonCompliant, unresolved } from '../../outcomes';
import { describeSubscription, planOf } from './cloudflare';

/** Cloudflare's default monitor interval, seconds. */
const DEFAULT_INTERVAL_SECONDS = 60;

export const CloudflareMonitorInterval: ResourceRule = {
  id: 'SC-PRE-1',
  name: 'CloudflareMonitorInterval',
  family: 'preflight',
  scope: 'resource',
  resourceTypes: ['cloudflare_load_balancer_monitor'],
  description: "Monitor intervals are at least the plan's minimum: 60 s on Free and Pro, 15 s on Business, 10 s on Enterprise.",
  evaluate(monitor, stack) {
    const plan = planOf(stack);
    if ('status' in plan) return plan;
    const interval = read(monitor.values, 'interval');
    if (interval.kind === 'expression') return unresolved('interval', interval.expression);
    const seconds = interval.kind === 'value' ? asNumber(interval.value) : DEFAULT_INTERVAL_SECONDS;
    const minimum = plan.limits.monitorMinIntervalSeconds;
    if (seconds !== undefined && seconds >= minimum) return compliant();
    return nonCompliant(`interval is ${String(seconds ?? JSON.stringify(interval))} s; ${describeSubscription(plan.subscription)} allows ${minimum} s or more`);
  },
};
