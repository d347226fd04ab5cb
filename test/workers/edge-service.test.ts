/**
 * An edge-first service in a real workerd runtime (Miniflare): the bundled edge Worker and the
 * identity example's `identity-edge` Worker module, bound as the edge stack binds them (a
 * service binding, its Durable Objects and KV namespace). Its routes are answered at the edge;
 * every other path still goes to the region's origin, a stand-in on 127.0.0.1 that the stand-in
 * network (stacks/edge-worker-runtime.ts) resolves `origin-us-west-2.<domain>` to.
 */
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { environmentFiles, loadEnvironments } from '../../config/load';
import { EDGE_SERVICE_MAIN_MODULE } from '../../constructs/cloudflare/edge-service-worker';
import { edgeServiceScriptName, edgeWorkerConfig, originHostname } from '../../stacks/edge-worker-config';
import { StandInNetwork, StandInOrigin, tokenFor } from '../../stacks/edge-worker-runtime';
import { EDGE_WORKER_COMPATIBILITY_DATE, EDGE_WORKER_MAIN_MODULE, edgeWorkerBundle } from '../../workers/bundle';
import { BINDING, edgeServiceBinding, HEADER, RATE_LIMITER_CLASS, RoutingConfig } from '../../workers/edge/contract';
import { PROJECT_ROOT } from '../helpers/examples';

const ROOT = join(PROJECT_ROOT, 'examples', 'identity');
const [environment] = loadEnvironments(environmentFiles([], ROOT), ROOT);
const service = environment.edgeServices[0];
const origin = new StandInOrigin('us-west-2');
const network = new StandInNetwork({ [originHostname('us-west-2', environment.domain)]: origin });
let miniflare: Miniflare;

beforeAll(async () => {
  await origin.start();
  await network.start();
  const config = edgeWorkerConfig(environment);
  // One region's origin in place of the load balancer, so the stand-in sees what reaches the regions.
  const { loadBalancer: _lb, ...rest } = config.routing;
  const routing: RoutingConfig = { ...rest, regions: ['us-west-2'], origins: { 'us-west-2': config.routing.origins['us-west-2'] } };
  const scriptName = edgeServiceScriptName(environment, service.name);
  miniflare = new Miniflare({
    host: '127.0.0.1',
    workers: [
      {
        name: 'edge',
        modules: [{ type: 'ESModule', path: EDGE_WORKER_MAIN_MODULE, contents: edgeWorkerBundle().code }],
        compatibilityDate: EDGE_WORKER_COMPATIBILITY_DATE,
        kvNamespaces: [BINDING.sessions, BINDING.edgeState],
        durableObjects: { [BINDING.rateLimiter]: RATE_LIMITER_CLASS },
        serviceBindings: { [edgeServiceBinding(service.name)]: scriptName },
        outboundService: network.outboundService,
        bindings: {
          [BINDING.routing]: routing as unknown as Record<string, never>,
          [BINDING.limits]: { ...config.limits },
          [BINDING.settings]: { ...config.settings, healthCacheSeconds: 0 },
          [BINDING.environment]: environment.name,
        },
      },
      {
        name: scriptName,
        modules: [{ type: 'ESModule', path: EDGE_SERVICE_MAIN_MODULE, contents: service.edge!.code }],
        compatibilityDate: EDGE_WORKER_COMPATIBILITY_DATE,
        durableObjects: Object.fromEntries(service.edge!.durableObjects.map((c) => [c, c])),
        kvNamespaces: [...service.edge!.kvNamespaces],
        bindings: { ENVIRONMENT: environment.name },
      },
    ],
  });
  await miniflare.ready;
});

afterAll(async () => {
  await miniflare?.dispose();
  await network.stop();
  await origin.stop();
});

beforeEach(() => origin.reset());

const fetchAt = async (url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
  (await miniflare.dispatchFetch(url, {
    method: init.method ?? 'GET',
    headers: { 'cf-connecting-ip': '198.51.100.77', ...init.headers },
    body: init.body,
  })) as unknown as Response;

describe('an edge-first service behind the edge Worker', () => {
  it('answers its routes at the edge: no region sees them', async () => {
    const discovery = await fetchAt(`https://api.${environment.domain}/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    const body = (await discovery.json()) as { issuer: string; served_by: string };
    expect(body).toMatchObject({ issuer: `https://api.${environment.domain}`, served_by: environment.name });
    expect(discovery.headers.get(HEADER.requestId)).toMatch(/^[0-9a-f-]{36}$/);
    expect(origin.requests).toEqual([]);
  });

  it("keeps state in the service's own Durable Objects", async () => {
    const first = (await (await fetchAt(`https://${environment.domain}/oauth/jwks`)).json()) as { keys: Array<{ kid: string }> };
    const second = (await (await fetchAt(`https://${environment.domain}/oauth/jwks`)).json()) as { keys: Array<{ kid: string }> };
    expect(first.keys).toHaveLength(1);
    expect(second.keys[0].kid).toBe(first.keys[0].kid);
    const revoked = await fetchAt(`https://${environment.domain}/oauth/revoke`, {
      method: 'POST',
      body: JSON.stringify({ token: 'a-refresh-token-0123456789' }),
    });
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toEqual({ revoked: true });
    expect(origin.requests).toEqual([]);
  });

  it('reads its KV namespace', async () => {
    const kv = (await miniflare.getKVNamespace('CLIENTS', edgeServiceScriptName(environment, service.name))) as unknown as {
      put(key: string, value: string): Promise<void>;
    };
    await kv.put('client:web-app', JSON.stringify({ name: 'Web app', redirectUris: ['https://app.example.com/cb'] }));
    const found = await fetchAt(`https://${environment.domain}/oauth/clients/web-app`);
    expect(await found.json()).toEqual({ name: 'Web app', redirectUris: ['https://app.example.com/cb'] });
    expect((await fetchAt(`https://${environment.domain}/oauth/clients/nobody`)).status).toBe(404);
  });

  it('passes the user the edge validated (through the region), and sends other paths to the region', async () => {
    const answer = await fetchAt(`https://${environment.domain}/oauth/unknown`, { headers: { authorization: `Bearer ${tokenFor('alice')}` } });
    expect(answer.status).toBe(404);
    expect(await answer.json()).toMatchObject({ path: '/oauth/unknown', user: 'alice' });
    expect(origin.sessionLookups).toHaveLength(1);
    expect(origin.forwarded).toEqual([]);
    const other = await fetchAt(`https://${environment.domain}/api/profile`);
    expect(other.status).toBe(200);
    expect(origin.forwarded.map((r) => r.url)).toEqual(['/api/profile']);
    expect(origin.forwarded[0].headers.host).toBe(environment.domain);
  });
});
