/**
 * The HTTPS listener's rules to the public service ports: one rule per port, matching the
 * product's hosts (the apex and one level below it: www, api, origin-<region>) and the port's
 * paths. Ports with paths come first, in the order of their service and port names; the port
 * without paths (every other path, `/*`) comes last. Anything no rule takes gets the listener's
 * default action (a fixed 404).
 */
import { Construct } from 'constructs';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';

/** One public service port behind a region's ALB. */
export interface ServiceRoute {
  readonly service: string;
  readonly portName: string;
  /** Path patterns routed to it; empty for the port that takes every other path. */
  readonly paths: readonly string[];
  readonly targetGroupArn: string;
}

/** The catch-all rule's priority: after every rule with paths (at most 49,999 rules fit below it). */
export const CATCH_ALL_PRIORITY = 50_000;

/** Priorities by route: 10, 20, … for routes with paths (room to insert between), the catch-all last. */
export function routePriorities(routes: readonly ServiceRoute[]): Map<ServiceRoute, number> {
  const specific = routes.filter((r) => r.paths.length > 0).sort((a, b) => `${a.service}/${a.portName}`.localeCompare(`${b.service}/${b.portName}`));
  const priorities = new Map<ServiceRoute, number>(specific.map((route, i) => [route, (i + 1) * 10]));
  for (const route of routes.filter((r) => r.paths.length === 0)) priorities.set(route, CATCH_ALL_PRIORITY);
  return priorities;
}

/** Props of the rules of one listener. */
export interface ServiceRoutesProps {
  readonly provider: AwsProvider;
  readonly listener: LbListener;
  /** Host header patterns the rules accept (two at most: a rule holds 5 condition values, paths take up to 3). */
  readonly hosts: readonly string[];
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
          condition: [{ hostHeader: { values: [...props.hosts] } }, { pathPattern: { values: route.paths.length > 0 ? [...route.paths] : ['/*'] } }],
          action: [{ type: 'forward', targetGroupArn: route.targetGroupArn }],
          tags: { 'stagecraft:service': route.service, 'stagecraft:port': route.portName },
        }),
    );
}
