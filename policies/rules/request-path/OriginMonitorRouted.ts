/**
 * A Cloudflare load balancer marks a pool down when its monitor's probe fails, and sends every
 * request to the fallback pool when all are down: failover and steering then never happen. The
 * probe goes to each pool origin's address with the monitor's path and, unless the origin or the
 * monitor sets one, that address as its Host (Cloudflare Load Balancing docs, "Override HTTP Host
 * headers"). So each origin's probe must be taken by a rule of the HTTPS listener behind the
 * address (its DNS record → the ALB → the listener on 443) that forwards, not by the listener's
 * default action (a fixed 404 here), and the target group it forwards to must check that very
 * path, so something is known to answer it. Evaluated on each stack with load balancer pools
 * (the edge stack); the first missing link is reported per pool, with the origin.
 */
import { record } from '../../../synthesis/values';
import { ResourceView, StackOutcome, StackRule, StackView } from '../../types';
import { follow, items } from './links';
import { listenerBehind, ruleTaking } from './listener-match';

/** The first value of a `Host` entry of a monitor's or an origin's `header` (any spelling of the name). */
function hostOverride(header: unknown): string | undefined {
  const entries = Object.entries(record(header) ?? {});
  const value = entries.find(([name]) => name.toLowerCase() === 'host')?.[1];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

/** What is wrong with the probe of one origin of a pool, or undefined. */
function probeProblem(stack: StackView, monitor: ResourceView, origin: Record<string, unknown>): string | undefined {
  const address = String(origin.address ?? '');
  const path = typeof monitor.values.path === 'string' ? monitor.values.path : '/';
  const host = hostOverride(origin.header) ?? hostOverride(monitor.values.header) ?? address;
  const probe = `the probe of ${address} (Host ${host}, path ${path})`;
  const behind = listenerBehind(stack, address);
  if ('missing' in behind) return behind.missing;
  const { listener } = behind;
  const rule = ruleTaking(stack, listener, host, path);
  const action = record(items((rule ?? listener).values, rule ? 'action' : 'default_action')[0]);
  const answeredBy = rule ? rule.address : `${listener.address}'s default action`;
  if (action?.type !== 'forward') {
    return `listener rule: no rule of ${listener.address} forwards ${probe}; ${answeredBy} answers it with ${String(action?.type ?? 'nothing')}`;
  }
  const group = follow(stack, action.target_group_arn);
  const checked = record(group?.resource.values.health_check)?.path;
  if (!group || checked !== path) {
    return `target group: ${answeredBy} forwards ${probe} to ${group?.resource.address ?? String(action.target_group_arn)}, which checks ${String(checked ?? 'nothing')}: nothing there is known to answer ${path}`;
  }
  return undefined;
}

export const OriginMonitorRouted: StackRule = {
  id: 'SC-REQ-4',
  name: 'OriginMonitorRouted',
  family: 'request-path',
  scope: 'stack',
  description:
    "Every Cloudflare load balancer monitor's probe of every pool origin (its Host and path) is taken by a listener rule that forwards to a target group checking that path, not by the listener's default 404.",
  evaluate(stack) {
    const pools = stack.resources('cloudflare_load_balancer_pool');
    if (pools.length === 0) return [{ status: 'not-applicable', reason: 'no load balancer pool' }];
    return pools.map((pool): StackOutcome => {
      const monitor = stack.referenced(pool.values.monitor);
      if (!monitor) return { status: 'non-compliant', address: pool.address, message: `monitor: ${pool.address} names no monitor of ${stack.name}` };
      if (monitor.values.type !== 'http' && monitor.values.type !== 'https')
        return { status: 'not-applicable', reason: `${monitor.address} is not an HTTP monitor` };
      const problems = items(pool.values, 'origins')
        .map((origin) => probeProblem(stack, monitor, record(origin) ?? {}))
        .filter((p): p is string => p !== undefined);
      return problems.length === 0
        ? { status: 'compliant', address: pool.address }
        : { status: 'non-compliant', address: pool.address, message: `${problems.join('; ')} (stack ${stack.name})` };
    });
  },
};
