/** The listener rules' hosts and priorities: which port a request reaches when routes share a path on other hosts. */
import { CATCH_ALL_PRIORITY, routeHostPatterns, routePriorities, ServiceRoute } from '../../../constructs/aws/service-routes';

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
    expect(priorities.get(fallback)).toBeGreaterThan(CATCH_ALL_PRIORITY);
  });
});
