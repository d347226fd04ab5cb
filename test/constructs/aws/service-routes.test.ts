/** The listener rules' hosts and priorities: which port a request reaches when routes share a path on other hosts. */
import { CATCH_ALL_PRIORITY, MAX_RULE_PRIORITY, routeHostPatterns, routePriorities, ServiceRoute } from '../../../constructs/aws/service-routes';

const route = (service: string, paths: string[], hosts: ServiceRoute['hosts']): ServiceRoute => ({
  service,
  portName: 'http',
  paths,
  hosts,
  targetGroupArn: `arn:${service}`,
});

describe('service routes on the load balancer', () => {
  it('matches every product host with the domain and one level below it, and named hosts by name', () => {
    expect(routeHostPatterns(route('api', [], ['apex', 'www', 'api']), 'example.com')).toEqual(['example.com', '*.example.com']);
    expect(routeHostPatterns(route('web', [], ['apex', 'www']), 'example.com')).toEqual(['example.com', 'www.example.com']);
    expect(routeHostPatterns(route('api', [], ['api']), 'example.com')).toEqual(['api.example.com']);
  });

  it('puts routes with paths first, then catch-alls on some hosts before the one on every host', () => {
    const gateway = route('gateway', ['/ws', '/ws/*'], ['apex', 'www', 'api']);
    const web = route('web', [], ['apex', 'www']);
    const api = route('api', [], ['api']);
    const fallback = route('zz-fallback', [], ['apex', 'www', 'api']);
    const priorities = routePriorities([fallback, web, api, gateway]);
    const ordered = [...priorities.entries()].sort((a, b) => a[1] - b[1]).map(([r]) => r.service);
    expect(ordered).toEqual(['gateway', 'api', 'web', 'zz-fallback']);
    expect(priorities.get(gateway)).toBe(10);
    expect(new Set([...priorities.values()]).size).toBe(4);
    expect(priorities.get(fallback)).toBe(CATCH_ALL_PRIORITY);
    expect(Math.max(...priorities.values())).toBeLessThanOrEqual(MAX_RULE_PRIORITY);
  });

  it('keeps two catch-alls on different hosts within 1..50,000, the one on more hosts last', () => {
    const api = route('api', [], ['api']);
    const web = route('web', [], ['apex', 'www']);
    const priorities = routePriorities([web, api]);
    expect(priorities.get(web)).toBe(MAX_RULE_PRIORITY);
    expect(priorities.get(api)).toBe(MAX_RULE_PRIORITY - 1);
  });

  it('keeps the catch-all on every host at the same priority when routes are added', () => {
    const fallback = route('api', [], ['apex', 'www', 'api']);
    const before = routePriorities([fallback]).get(fallback);
    const after = routePriorities([fallback, route('gateway', ['/ws'], ['apex']), route('admin', ['/admin/*'], ['www'])]).get(fallback);
    expect(after).toBe(before);
  });
});
