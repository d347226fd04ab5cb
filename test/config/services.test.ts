/** The service catalog (`services/*.yaml`): schema, cross-field rules and environment overrides, with exact messages. */
import { join } from 'node:path';
import { formatProblem } from '../../config/errors';
import { parseEnvironment } from '../../config/load';
import { loadServiceCatalog, projectServiceCatalog } from '../../config/services';
import { defaultNodePort, publicPorts } from '../../config/service-definition';
import { catalogProject } from '../helpers/services';
import { base, SEVERAL_REGIONS_EDGE } from '../helpers/environments';
import { EXAMPLES_ROOT } from '../helpers/examples';

/** The formatted problems of the project's catalog with `changes` applied. */
function problemsWith(changes: Parameters<typeof catalogProject>[0]): string[] {
  const root = catalogProject(changes);
  return loadServiceCatalog(join(root, 'services'), root).problems.map(formatProblem);
}

const edit = (from: string | RegExp, to: string) => (text: string) => {
  const next = text.replace(from, to);
  if (next === text) throw new Error(`fixture edit did not apply: ${String(from)}`);
  return next;
};

describe('the project catalog', () => {
  it('loads with no problems and defines the reference product', () => {
    const catalog = projectServiceCatalog(EXAMPLES_ROOT);
    expect(catalog.problems).toEqual([]);
    expect(catalog.services.map((s) => s.name)).toEqual([
      'analytics-worker',
      'api',
      'archive-worker',
      'delivery-worker',
      'moderation-worker',
      'websocket-gateway',
    ]);
  });

  it('pins every image by tag, never latest', () => {
    for (const service of projectServiceCatalog(EXAMPLES_ROOT).services) {
      expect(service.image).toMatch(/^ghcr\.io\/acme\/[a-z-]+:\d+\.\d+\.\d+$/);
    }
  });
});

describe('bad service files', () => {
  it('rejects a limit below its request', () => {
    expect(problemsWith({ 'api.yaml': edit('limits: { cpuMillis: 2000, memoryMiB: 2048 }', 'limits: { cpuMillis: 2000, memoryMiB: 256 }') })).toEqual([
      'services/api.yaml: resources.limits.memoryMiB: 256 is below the request 2048; a limit must be ≥ its request',
    ]);
  });

  it('rejects a port used twice and a port name used twice', () => {
    expect(
      problemsWith({
        'api.yaml': edit('  - { name: http, port: 8080, public: true }', '  - { name: http, port: 8080, public: true }\n  - { name: http, port: 8080 }'),
      }),
    ).toEqual([
      'services/api.yaml: ports[1].port: 8080 is already used by ports[0] (http); each port may be used once',
      'services/api.yaml: ports[1].name: "http" is already the name of ports[0]; each port name may be used once',
    ]);
  });

  it('routes the public ports: the gateway takes its WebSocket paths, the api every other path, each on its own node port', () => {
    const services = new Map(projectServiceCatalog().services.map((s) => [s.name, s]));
    const routes = [...services.values()].flatMap((s) => publicPorts(s).map((p) => [s.name, p.name, p.paths, p.nodePort]));
    expect(routes).toEqual([
      ['api', 'http', [], defaultNodePort('api', 'http')],
      ['websocket-gateway', 'http', ['/ws', '/ws/*'], defaultNodePort('websocket-gateway', 'http')],
    ]);
    for (const [, , , nodePort] of routes) expect(nodePort).toBeGreaterThanOrEqual(30000);
    for (const [, , , nodePort] of routes) expect(nodePort).toBeLessThanOrEqual(32767);
  });

  it('rejects a second port that takes every path, a path routed twice, and a clashing or reserved node port', () => {
    const gateway = '  - { name: http, port: 8080, public: true, route: { path: /ws, websocket: true } }';
    expect(problemsWith({ 'websocket-gateway.yaml': edit(gateway, '  - { name: http, port: 8080, public: true }') })).toEqual([
      'services/websocket-gateway.yaml: ports[0].route: path "/" on apex, www, api is already routed to api (http); give one of them another path or hosts',
    ]);
    expect(
      problemsWith({
        'api.yaml': edit('  - { name: http, port: 8080, public: true }', '  - { name: http, port: 8080, public: true, route: { hosts: [apex, api] } }'),
        'websocket-gateway.yaml': edit(gateway, '  - { name: http, port: 8080, public: true, route: { hosts: [www] } }'),
      }),
    ).toEqual([]);
    expect(problemsWith({ 'websocket-gateway.yaml': edit(gateway, `${gateway.slice(0, -2)}, nodePort: ${defaultNodePort('api', 'http')} }`) })).toEqual([
      `services/websocket-gateway.yaml: ports[0].nodePort: node port ${defaultNodePort('api', 'http')} is already the node port of api's port http (services/api.yaml); node ports are unique per cluster: set ports[0].nodePort to another port in 30000–32767`,
    ]);
    expect(problemsWith({ 'websocket-gateway.yaml': edit(gateway, `${gateway.slice(0, -2)}, nodePort: 32657 }`) })).toEqual([
      'services/websocket-gateway.yaml: ports[0].nodePort: node port 32657 is reserved by the platform (cockroachJoin); set ports[0].nodePort to another port in 30000–32767',
    ]);
    expect(problemsWith({ 'websocket-gateway.yaml': edit(gateway, `${gateway.slice(0, -2)}, nodePort: 29999 }`) })).toEqual([
      'services/websocket-gateway.yaml: ports[0].nodePort: must be at least 30000; received number 29999',
    ]);
  });

  it('rejects a route or a node port on a private port, and health served only on a private port of a public service', () => {
    expect(
      problemsWith({
        'delivery-worker.yaml': edit('  - { name: health, port: 8081 }', '  - { name: health, port: 8081, route: { path: /deliver }, nodePort: 31000 }'),
      }),
    ).toEqual([
      'services/delivery-worker.yaml: ports[0].route: is set on a private port; allowed only with public: true',
      'services/delivery-worker.yaml: ports[0].nodePort: applies to public ports; set public: true or remove it',
    ]);
    expect(
      problemsWith({
        'api.yaml': (text) =>
          edit(
            '  - { name: http, port: 8080, public: true }',
            '  - { name: http, port: 8080, public: true }\n  - { name: admin, port: 9090 }',
          )(text).replace('  port: http', '  port: admin'),
      }),
    ).toEqual([
      'services/api.yaml: health.port: "admin" is not public; the load balancer checks the readiness path through a public port, so serve health on one; allowed: http',
    ]);
  });

  it('rejects min above max in a cpu scaling rule', () => {
    expect(problemsWith({ 'delivery-worker.yaml': edit('  min: 2\n  max: 20', '  min: 30\n  max: 20') })).toEqual([
      'services/delivery-worker.yaml: scaling.min: 30 must not exceed scaling.max (20)',
    ]);
  });

  it('rejects a call to a service that does not exist, and one that does not run in every stage of the caller', () => {
    expect(problemsWith({ 'api.yaml': edit('stages:', 'calls: [billing, moderation-worker]\nstages:') })).toEqual([
      'services/api.yaml: calls[0]: "billing" is not a service of the catalog; allowed: analytics-worker, archive-worker, delivery-worker, moderation-worker, websocket-gateway',
      'services/api.yaml: calls[1]: "moderation-worker" does not run on launch, traction, where api runs; moderation-worker runs on growth, scale, hyperscale, massive',
    ]);
  });

  it('rejects a stage that cannot host the service', () => {
    expect(problemsWith({ 'moderation-worker.yaml': edit('stages: [growth,', 'stages: [launch, growth,') })).toEqual([
      'services/moderation-worker.yaml: stages[0]: launch cannot host moderation-worker: it has no queue (queue runs on traction, growth, scale, hyperscale, massive)',
      'services/moderation-worker.yaml: stages[0]: launch cannot host moderation-worker: it has no search (search runs on growth, scale, hyperscale, massive)',
    ]);
  });

  it('rejects the latest tag and untagged images', () => {
    expect(
      problemsWith({
        'api.yaml': edit('ghcr.io/acme/api:1.14.2', 'ghcr.io/acme/api:latest'),
        'archive-worker.yaml': edit('ghcr.io/acme/archive-worker:1.0.3', 'ghcr.io/acme/archive-worker'),
      }),
    ).toEqual([
      'services/api.yaml: image: "ghcr.io/acme/api:latest" uses the moving tag "latest"; pin a version tag or a digest (e.g. ghcr.io/acme/api:1.14.2)',
      'services/archive-worker.yaml: image: "ghcr.io/acme/archive-worker" is not an image pinned by tag or digest (e.g. ghcr.io/acme/api:1.14.2 or ghcr.io/acme/api@sha256:<64 hex>)',
    ]);
  });

  it('rejects unknown keys, data stores, scaling rules and a file name that differs from the name', () => {
    expect(
      problemsWith({
        'api.yaml': edit('dataStores: [database, redis, objectStorage]', 'dataStores: [database, mongodb]\nreplicas: 3'),
        'websocket-gateway.yaml': edit('rule: websocket-gateway', 'rule: keda'),
        'archive-worker.yaml': edit('name: archive-worker', 'name: archiver'),
      }),
    ).toEqual([
      'services/api.yaml: dataStores[1]: "mongodb" is not a data store; allowed: database, redis, queue, rabbitmq, kafka, search, objectStorage',
      'services/api.yaml: (root): unknown key "replicas"; allowed keys: name, description, kind, image, schedule, timeZone, concurrencyPolicy, deadlineSeconds, retries, drainSeconds, secrets, archive, ports, health, resources, env, dataStores, topics, calls, stages, scaling, demand, edge',
      'services/websocket-gateway.yaml: scaling.rule: "keda" is not a scaling rule; allowed: websocket-gateway, api, cpu, queue, fixed',
      'services/archive-worker.yaml: name: "archiver" must match the file name; allowed: archive-worker',
    ]);
  });

  it('rejects a health port that is not declared', () => {
    expect(problemsWith({ 'archive-worker.yaml': edit('  port: health', '  port: admin') })).toEqual([
      'services/archive-worker.yaml: health.port: "admin" is not one of this service\'s ports; allowed: health',
    ]);
  });
});

describe('environment overrides of the catalog', () => {
  const problems = (yaml: string) => parseEnvironment(yaml, 'environments/test.yaml', projectServiceCatalog(EXAMPLES_ROOT)).problems.map(formatProblem);

  it('accepts an image, a disabled worker and replicas, and applies them', () => {
    const yaml = `${base('growth')}services:\n  api: { image: ghcr.io/acme/api:1.15.0 }\n  archive-worker: { enabled: false }\n  analytics-worker: { replicas: 3 }\n`;
    const { environment, problems: found } = parseEnvironment(yaml, 'environments/test.yaml', projectServiceCatalog(EXAMPLES_ROOT));
    expect(found).toEqual([]);
    const byName = new Map(environment!.services.map((s) => [s.name, s]));
    expect(byName.get('api')!.image).toBe('ghcr.io/acme/api:1.15.0');
    expect(byName.has('archive-worker')).toBe(false);
    expect(byName.get('analytics-worker')!.scaling).toEqual({ rule: 'fixed', replicas: 3 });
  });

  it('runs on each stage exactly the services whose stages include it', () => {
    const catalog = projectServiceCatalog(EXAMPLES_ROOT).services;
    for (const stage of ['launch', 'traction', 'growth', 'massive']) {
      const regions = stage === 'massive' ? `[us-east-1, eu-west-1, ap-northeast-1]\n${SEVERAL_REGIONS_EDGE}` : '[us-east-1]\n';
      const env = parseEnvironment(
        `name: acme-test\nstage: ${stage}\nregions: ${regions}domain: example.com\n`,
        'environments/test.yaml',
        projectServiceCatalog(EXAMPLES_ROOT),
      ).environment!;
      expect(env.services.map((s) => s.name)).toEqual(catalog.filter((s) => s.stages.includes(env.stage)).map((s) => s.name));
    }
  });

  it('makes a service with topics a queue client on the stages that run a queue, and not before', () => {
    const servicesOn = (stage: string) =>
      new Map(
        parseEnvironment(
          `name: acme-test\nstage: ${stage}\nregions: [us-east-1]\ndomain: example.com\n`,
          'environments/test.yaml',
          projectServiceCatalog(EXAMPLES_ROOT),
        ).environment!.services.map((s) => [s.name, s]),
      );
    const catalog = new Map(projectServiceCatalog(EXAMPLES_ROOT).services.map((s) => [s.name, s]));
    expect(catalog.get('api')!.topics.produces).toEqual(['messages', 'uploads', 'product-events']);
    expect(catalog.get('api')!.dataStores).not.toContain('queue');
    expect(servicesOn('launch').get('api')!.dataStores).toEqual(catalog.get('api')!.dataStores);
    for (const stage of ['growth', 'hyperscale'])
      for (const producer of ['api', 'websocket-gateway', 'delivery-worker']) expect(servicesOn(stage).get(producer)!.dataStores).toContain('queue');
    // A service that lists the queue already keeps it once.
    expect(
      servicesOn('growth')
        .get('analytics-worker')!
        .dataStores.filter((d) => d === 'queue'),
    ).toHaveLength(1);
  });

  it('reports every bad override at once, with the file and the field', () => {
    const yaml =
      `${base('launch')}services:\n` +
      '  billing: { enabled: true }\n' +
      '  moderation-worker: { enabled: true }\n' +
      '  api: { replicas: 3, image: "ghcr.io/acme/api:latest" }\n' +
      '  websocket-gateway: { enabled: false }\n' +
      'autoscaling:\n' +
      '  websocket: { min: 10, max: 5, scaleDownCpuPercent: 80 }\n';
    expect(problems(yaml)).toEqual([
      'environments/test.yaml: services.api.image: "ghcr.io/acme/api:latest" uses the moving tag "latest"; pin a version tag or a digest (e.g. ghcr.io/acme/api:1.14.2)',
    ]);
    const semantic = yaml.replace('"ghcr.io/acme/api:latest"', 'ghcr.io/acme/api:1.15.0');
    expect(problems(semantic)).toEqual([
      'environments/test.yaml: services.billing: "billing" is not a service of the catalog; allowed: analytics-worker, api, archive-worker, delivery-worker, moderation-worker, websocket-gateway',
      'environments/test.yaml: services.moderation-worker.enabled: launch cannot host moderation-worker; it runs on growth, scale, hyperscale, massive (examples/chat/services/moderation-worker.yaml: stages)',
      'environments/test.yaml: services.api.replicas: applies to services with scaling rule fixed; api uses api',
      'environments/test.yaml: services.websocket-gateway.enabled: delivery-worker calls websocket-gateway (examples/chat/services/delivery-worker.yaml: calls[0]), which does not run in this environment; enable websocket-gateway or disable delivery-worker',
      'environments/test.yaml: autoscaling.websocket: min (10) must not exceed max (5)',
      'environments/test.yaml: autoscaling.websocket.scaleDownCpuPercent: 80 must be below the scale-up threshold 70; allowed: 1 to 69',
    ]);
  });
});
