/**
 * Which rule of an ALB listener takes a request, as the ALB decides it: rules in priority order,
 * every condition of a rule must match, any value of a condition may. Host patterns match without
 * regard to case, path patterns with it; both know `*` (any run of characters) and `?` (one).
 * A rule with a condition of another kind (a header, a method, a query string, a source address)
 * is not assumed to take the request. Used by the rules that ask where a request lands.
 */
import { asNumber, record } from '../../../synthesis/values';
import { wildcardRegExp } from '../../../synthesis/wildcard';
import { ResourceView, StackView } from '../../types';
import { follow, items, refersTo } from './links';

/** Whether one listener rule's conditions all match `host` and `path`. */
export function ruleMatches(rule: ResourceView, host: string, path: string): boolean {
  const conditions = items(rule.values, 'condition').map(record);
  if (conditions.length === 0) return false;
  return conditions.every((condition) => {
    if (!condition) return false;
    const kinds = Object.keys(condition).filter((k) => condition[k] !== undefined && condition[k] !== null);
    if (kinds.some((k) => k !== 'host_header' && k !== 'path_pattern')) return false;
    const values = (kind: string) => items(condition[kind], 'values').filter((v): v is string => typeof v === 'string');
    if (kinds.includes('host_header') && !values('host_header').some((p) => wildcardRegExp(p, true).test(host))) return false;
    if (kinds.includes('path_pattern') && !values('path_pattern').some((p) => wildcardRegExp(p).test(path))) return false;
    return kinds.length > 0;
  });
}

/** The rules of `listener` in `stack`, lowest priority number (first evaluated) first. */
export function listenerRules(stack: StackView, listener: ResourceView): ResourceView[] {
  return stack
    .resources('aws_lb_listener_rule')
    .filter((r) => stack.referenced(r.values.listener_arn) === listener)
    .sort((a, b) => (asNumber(a.values.priority) ?? Infinity) - (asNumber(b.values.priority) ?? Infinity));
}

/** The rule of `listener` that takes a request for `host` and `path`, or undefined when the listener's default action answers it. */
export function ruleTaking(stack: StackView, listener: ResourceView, host: string, path: string): ResourceView | undefined {
  return listenerRules(stack, listener).find((rule) => ruleMatches(rule, host, path));
}

/**
 * The HTTPS listener (port 443) behind a hostname of the zone: its DNS record in `stack`, the
 * load balancer the record points at, and that load balancer's listener in `stack`; or what is
 * missing on the way.
 */
export function listenerBehind(stack: StackView, hostname: string): { readonly listener: ResourceView } | { readonly missing: string } {
  const dns = stack.resources('cloudflare_dns_record').find((r) => String(r.values.name).toLowerCase() === hostname.toLowerCase());
  if (!dns) return { missing: `DNS record: no record in ${stack.name} names ${hostname}` };
  const alb = follow(stack, dns.values.content);
  if (!alb || alb.resource.type !== 'aws_lb') return { missing: `DNS record: ${dns.address} does not point at a load balancer` };
  const listener = stack.resources('aws_lb_listener').find((l) => Number(l.values.port) === 443 && refersTo(stack, l.values.load_balancer_arn, alb));
  if (!listener) return { missing: `HTTPS listener: no listener on 443 of ${alb.resource.address} in ${stack.name}` };
  return { listener };
}
