/**
 * The HTTPS listener's rules to the public service ports: one rule per port, matching the
 * hosts of the port's route (every product host: the apex and one level below it, origin-<region>
 * included) and its paths. Ports with paths come first, in the order of their service and port names; the ports
 * without paths (every other path, `/*`) come last, counted down to the highest priority AWS accepts
 * (50,000). Anything no rule takes gets the listener's default action (a fixed 404).
 */
import { Construct } from 'constructs';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { PUBLIC_HOSTS, PublicHost, publicHostName } from '../../config/service-definition';

/** One public service port behind a region's ALB. */
export interface ServiceRoute {
  readonly service: string;
  readonly portName: string;
  /** Path patterns routed to it; empty for the port that takes every other path. */
  readonly paths: readonly string[];
  /** Product hosts it answers on (its `route.hosts`). */
  readonly hosts: readonly PublicHost[];
  readonly targetGroupArn: string;
  /** The path its target group checks (the service's readiness path). @default "/" */
  readonly healthCheckPath?: string;
}

/** Routes in the order of their service and port names. */
const byName = (a: ServiceRoute, b: ServiceRoute) => `${a.service}/${a.portName}`.localeCompare(`${b.service}/${b.portName}`);

/** The highest priority an ALB listener rule accepts (AWS takes 1..50,000). */
export const MAX_RULE_PRIORITY = 50_000;

/** The last catch-all rule's priority: the highest a listener rule may have, after every rule with paths. */
export const CATCH_ALL_PRIORITY = MAX_RULE_PRIORITY;

/**
 * Priorities by route, all within 1..50,000 and unique: 10, 20, … for routes with paths (room to
 * insert between), then the catch-alls counted down to `CATCH_ALL_PRIORITY`: those on some hosts
 * before the one on every host, which always gets `CATCH_ALL_PRIORITY` (a product with one
 * catch-all keeps its priority when routes are added). Catch-alls never share a host (the service
 * files refuse one path on one host twice), so their order among themselves only has to put the
 * every-host rule, whose `*.<domain>` pattern matches the others' hosts, last.
 */
export function routePriorities(routes: readonly ServiceRoute[]): Map<ServiceRoute, number> {
  const specific = routes.filter((r) => r.paths.length > 0).sort(byName);
  const priorities = new Map<ServiceRoute, number>(specific.map((route, i) => [route, (i + 1) * 10]));
  const catchAlls = routes.filter((r) => r.paths.length === 0).sort((a, b) => a.hosts.length - b.hosts.length || byName(a, b));
  catchAlls.forEach((route, i) => priorities.set(route, CATCH_ALL_PRIORITY - (catchAlls.length - 1 - i)));
  if (specific.length * 10 >= CATCH_ALL_PRIORITY - catchAlls.length + 1) {
    throw new Error(`service routes: ${routes.length} routes do not fit the listener's priorities 1..${MAX_RULE_PRIORITY}`);
  }
  return priorities;
}

/**
 * Host header patterns of a route: on every product host, the domain and one level below it
 * (`origin-<region>` included, the Host of the load balancer's probes); otherwise
 * the named hosts only (at most 3, so with 2 path patterns a rule stays within 5 values).
 */
export function routeHostPatterns(route: ServiceRoute, domain: string): string[] {
  if (PUBLIC_HOSTS.every((h) => route.hosts.includes(h))) return [domain, `*.${domain}`];
  return route.hosts.map((h) => publicHostName(h, domain));
}

/** Props of the rules of one listener. */
export interface ServiceRoutesProps {
  readonly provider: AwsProvider;
  readonly listener: LbListener;
  /** The product's domain: each rule's hosts are its route's hosts in it. */
  readonly domain: string;
  readonly routes: readonly ServiceRoute[];
}

/** Adds `<idPrefix>-<service>-<port>` rules to the listener; returns them in priority order. */
export function addServiceRoutes(scope: Construct, idPrefix: string, props: ServiceRoutesProps): LbListenerRule[] {
  const priorities = routePriorities(props.routes);
  return [...props.routes]
    .sort((a, b) => priorities.get(a)! - priorities.get(b)!)
    .map(
      (route) =>
        new LbListenerRule(scope, `${idPrefix}-${route.service}-${route.portName}`, {
          provider: props.provider,
          listenerArn: props.listener.arn,
          priority: priorities.get(route)!,
          condition: [
            { hostHeader: { values: routeHostPatterns(route, props.domain) } },
            { pathPattern: { values: route.paths.length > 0 ? [...route.paths] : ['/*'] } },
          ],
          action: [{ type: 'forward', targetGroupArn: route.targetGroupArn }],
          tags: { 'stagecraft:service': route.service, 'stagecraft:port': route.portName },
        }),
    );
}

/** The origin health rule's priority: before every service route (those start at 10). */
export const ORIGIN_HEALTH_PRIORITY = 1;

/**
 * The route whose service answers a region's health probes: the one on every path of every host
 * (the product's main service) if there is one, else the first by service and port name. Undefined
 * without routes.
 */
export function originHealthRoute(routes: readonly ServiceRoute[]): ServiceRoute | undefined {
  const everywhere = routes.filter((r) => r.paths.length === 0 && PUBLIC_HOSTS.every((h) => r.hosts.includes(h))).sort(byName);
  return everywhere[0] ?? [...routes].sort(byName)[0];
}

/** Props of OriginHealthRoute's rule. */
export interface OriginHealthRouteProps {
  readonly provider: AwsProvider;
  readonly listener: LbListener;
  /** The region's origin hostname, `origin-<region>.<domain>`: the Host of the load balancer's probes. */
  readonly originHost: string;
  /** The route whose target group answers; the rule takes exactly its health check path. */
  readonly route: ServiceRoute;
}

/**
 * `<idPrefix>-origin-health`: the Cloudflare load balancer's monitor probes each pool's origin by
 * its address, which it sends as the Host (Cloudflare Load Balancing, "Override HTTP Host
 * headers"): `origin-<region>.<domain>`, a host no route needs to name. This rule takes that host
 * on the health path of `route` (the path its target group already checks, so the service is known
 * to answer it) and forwards it there; every other request on the origin host gets what it got
 * before. The probe then says whether the region serves, instead of meeting the default 404.
 */
export function addOriginHealthRoute(scope: Construct, idPrefix: string, props: OriginHealthRouteProps): LbListenerRule {
  return new LbListenerRule(scope, `${idPrefix}-origin-health`, {
    provider: props.provider,
    listenerArn: props.listener.arn,
    priority: ORIGIN_HEALTH_PRIORITY,
    condition: [{ hostHeader: { values: [props.originHost] } }, { pathPattern: { values: [props.route.healthCheckPath ?? '/'] } }],
    action: [{ type: 'forward', targetGroupArn: props.route.targetGroupArn }],
    tags: { 'stagecraft:service': props.route.service, 'stagecraft:port': props.route.portName, 'stagecraft:purpose': 'origin-health' },
  });
}
