/**
 * Pods from each service's own demand: a photo-sharing product (a web frontend on 3000, an API on
 * 8080, an image-resizing queue worker, a nightly job) and a disabled gateway. Every expected
 * count is written out here from the service files and the workload, never read from the tool.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatProblem } from '../../config/errors';
import { parseEnvironment } from '../../config/load';
import { loadServiceCatalog, ServiceCatalog } from '../../config/services';
import { resolveAssumptions } from '../../config/assumptions';
import { resolveWorkload } from '../../config/workload-defaults';
import { sizeBlueprint } from '../../sizing/blueprint';
import { allocatable, EC2_SPECS } from '../../sizing/instance-specs';
import { fmt } from '../../sizing/numbers';
import { AVAILABILITY_FLOORS, STAGE_PROFILES } from '../../sizing/stage-profiles';

const health = 'health:\n  port: http\n  livenessPath: /healthz\n  readinessPath: /readyz\n';
const ALL_STAGES = '[launch, traction, growth, scale, hyperscale, massive]';

/** The photo-sharing product's service files: its own figures, requests 0.5 + 1 + 1 + 0.25 = 2.75 vCPU. */
const PHOTO_SERVICES: Record<string, string> = {
  'web.yaml':
    `name: web\ndescription: Next.js frontend\nimage: ghcr.io/photo/web:3.1.0\nports:\n  - { name: http, port: 3000, public: true, route: { hosts: [apex, www] } }\n${health}` +
    `resources:\n  requests: { cpuMillis: 500, memoryMiB: 512 }\n  limits: { cpuMillis: 1000, memoryMiB: 1024 }\ncalls: [api]\nstages: ${ALL_STAGES}\n` +
    'scaling:\n  rule: cpu\n  cpuTargetPercent: 60\n  min: 1\n  max: 50\ndemand:\n  driver: requests\n  requestsPerDailyUser: 40\n  cpuMillisPerRequest: 8\n',
  'api.yaml':
    `name: api\ndescription: Go API\nimage: ghcr.io/photo/api:2.0.1\nports:\n  - { name: http, port: 8080, public: true, route: { hosts: [api] } }\n${health}` +
    `resources:\n  requests: { cpuMillis: 1000, memoryMiB: 1024 }\n  limits: { cpuMillis: 2000, memoryMiB: 2048 }\ndataStores: [database, redis, objectStorage]\nstages: ${ALL_STAGES}\n` +
    'scaling:\n  rule: api\ndemand:\n  driver: requests\n  requestsPerDailyUser: 120\n  cpuMillisPerRequest: 4\n',
  'image-resizer.yaml':
    `name: image-resizer\ndescription: Resizes uploaded images from the queue\nimage: ghcr.io/photo/resizer:1.4.0\nports:\n  - { name: http, port: 8081 }\n${health}` +
    `resources:\n  requests: { cpuMillis: 1000, memoryMiB: 2048 }\n  limits: { cpuMillis: 2000, memoryMiB: 2048 }\ndataStores: [objectStorage]\nstages: ${ALL_STAGES}\n` +
    'scaling:\n  rule: cpu\n  cpuTargetPercent: 75\n  min: 1\n  max: 40\ndemand:\n  driver: queue\n  messagesPerDailyUser: 3\n  messagesPerSecondPerPod: 4\n',
  'nightly-report.yaml':
    `name: nightly-report\ndescription: Nightly usage report\nimage: ghcr.io/photo/report:0.3.0\nports:\n  - { name: http, port: 8082 }\n${health}` +
    `resources:\n  requests: { cpuMillis: 250, memoryMiB: 256 }\n  limits: { cpuMillis: 500, memoryMiB: 512 }\ndataStores: [database]\nstages: ${ALL_STAGES}\n` +
    'scaling:\n  rule: fixed\n  replicas: 1\ndemand:\n  driver: fixed\n',
  'chat-gateway.yaml':
    `name: chat-gateway\ndescription: A gateway this product has switched off\nimage: ghcr.io/photo/gateway:1.0.0\nports:\n  - { name: http, port: 8090, public: true, route: { hosts: [api], path: /chat, websocket: true } }\n${health}` +
    `resources:\n  requests: { cpuMillis: 2000, memoryMiB: 4096 }\n  limits: { cpuMillis: 4000, memoryMiB: 4096 }\nstages: ${ALL_STAGES}\n` +
    'scaling:\n  rule: websocket-gateway\ndemand:\n  driver: connections\n  connectionsPerPod: 1000\n',
};

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function catalogOf(files: Record<string, string>): ServiceCatalog {
  const root = mkdtempSync(join(tmpdir(), 'stagecraft-demand-'));
  dirs.push(root);
  mkdirSync(join(root, 'services'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, 'services', name), text);
  return loadServiceCatalog(join(root, 'services'), root);
}

const PHOTO = catalogOf(PHOTO_SERVICES);
const DISABLED = 'services:\n  chat-gateway: { enabled: false }\n';
const photoEnvironment = (yaml: string) => {
  const { environment, problems } = parseEnvironment(yaml, 'environments/photo.yaml', PHOTO);
  if (!environment) throw new Error(problems.map(formatProblem).join('\n'));
  return environment;
};
const header = (stage: string) => `name: photo\nstage: ${stage}\nregions: [eu-central-1]\ndomain: photo.example.com\n${DISABLED}`;

/** The service's peak per region, its fractional pods at the scale-up point, and what one pod carries at most: from its file's figures. */
function expected(mau: number, service: 'web' | 'api' | 'image-resizer') {
  const w = resolveWorkload({ mau });
  const dau = mau * w.dauRatio;
  const perDay = { web: 40, api: 120, 'image-resizer': 3 }[service];
  const peak = ((dau * perDay) / 86_400) * w.peakFactor;
  // web: 0.5 vCPU ÷ 8 CPU-ms = 62.5 req/s a pod, at 60%; api: 1 vCPU ÷ 4 CPU-ms = 250 req/s, at the api rule's 70%; resizer: 4 msg/s at 75%.
  const perPod = { web: 500 / 8, api: 1000 / 4, 'image-resizer': 4 }[service];
  const target = { web: 0.6, api: 0.7, 'image-resizer': 0.75 }[service];
  return { peak, raw: peak / (perPod * target), perPod };
}

describe('a photo-sharing product sized from its own services', () => {
  it('reads the demand of each definition, with the default for a service that names none', () => {
    expect(PHOTO.problems).toEqual([]);
    const byName = Object.fromEntries(PHOTO.services.map((s) => [s.name, s.demand]));
    expect(byName).toEqual({
      api: { driver: 'requests', requestsPerDailyUser: 120, cpuMillisPerRequest: 4 },
      'chat-gateway': { driver: 'connections', connectionsPerPod: 1000 },
      'image-resizer': { driver: 'queue', messagesPerDailyUser: 3, messagesPerSecondPerPod: 4 },
      'nightly-report': { driver: 'fixed' },
      web: { driver: 'requests', requestsPerDailyUser: 40, cpuMillisPerRequest: 8 },
    });
    const noDemand = catalogOf({ 'nightly-report.yaml': PHOTO_SERVICES['nightly-report.yaml'].replace('demand:\n  driver: fixed\n', '') });
    expect(noDemand.services[0].demand).toEqual({ driver: 'fixed' });
  });

  it('derives every enabled service’s pods on a cluster, and packs their own requests onto the nodes', () => {
    const mau = 3_000_000;
    const sized = sizeBlueprint(photoEnvironment(`${header('growth')}workload:\n  mau: ${mau}\n`));
    const pods = sized.blueprint.services!;
    // The disabled gateway is not sized at all.
    expect(Object.keys(pods).sort()).toEqual(['api', 'image-resizer', 'nightly-report', 'web']);
    const headroom = resolveAssumptions().autoscaleHeadroom;
    const floor = AVAILABILITY_FLOORS.growth.pods;
    for (const name of ['web', 'api', 'image-resizer'] as const) {
      const e = expected(mau, name);
      const min = Math.max(floor, Math.ceil(e.raw - 1e-9));
      expect(pods[name]).toMatchObject({ min, max: Math.max(min, Math.ceil((e.peak * headroom) / e.perPod - 1e-9)) });
      expect(pods[name].peakPerRegion).toBeCloseTo(e.peak, 9);
    }
    expect(pods['nightly-report']).toMatchObject({ driver: 'fixed', min: 1, max: 1, cpu: 0.25, memoryGiB: 0.25 });
    expect(pods.web).toMatchObject({ cpu: 0.5, memoryGiB: 0.5 });

    // Nodes: the sum of every service's requests at min and at max pods, against the node type's allocatable.
    const type = STAGE_PROFILES.growth.cluster!.instanceType;
    const a = resolveAssumptions();
    const node = allocatable(EC2_SPECS[type], { vcpu: a.nodeSystemCpu, memoryGiB: a.nodeSystemMemoryGiB });
    const requests = { web: [0.5, 0.5], api: [1, 1], 'image-resizer': [1, 2], 'nightly-report': [0.25, 0.25] } as const;
    const nodesFor = (at: 'min' | 'max') => {
      const names = Object.keys(requests) as Array<keyof typeof requests>;
      const cpu = names.reduce((sum, n) => sum + pods[n][at] * requests[n][0], 0);
      const memory = names.reduce((sum, n) => sum + pods[n][at] * requests[n][1], 0);
      const count = names.reduce((sum, n) => sum + pods[n][at], 0);
      return Math.max(Math.ceil(cpu / node.vcpu - 1e-9), Math.ceil(memory / node.memoryGiB - 1e-9), Math.ceil(count / node.pods));
    };
    const min = Math.max(AVAILABILITY_FLOORS.growth.nodes, nodesFor('min'));
    expect(sized.blueprint.cluster!.nodes).toEqual({ min, max: Math.max(min, nodesFor('max')), desired: min });
    expect(sized.report.clusterCapacity).toMatchObject({ nodesMax: sized.blueprint.cluster!.nodes.max, fits: true });
    expect(sized.report.warnings.filter((w) => w.startsWith('compute.nodes.max'))).toEqual([]);
  });

  it('counts every enabled service on a host: its demand, and one container’s requests', () => {
    const mau = 400_000;
    const sized = sizeBlueprint(photoEnvironment(`${header('traction')}workload:\n  mau: ${mau}\n`));
    // The demand of each service in fractions of a pod, and the nightly job's one container.
    const cpu = expected(mau, 'web').raw * 0.5 + expected(mau, 'api').raw * 1 + expected(mau, 'image-resizer').raw * 1 + 0.25;
    const type = STAGE_PROFILES.traction.hosts!.instanceType;
    const spec = EC2_SPECS[type];
    expect(sized.report.derived!.hosts).toBe(Math.max(1, Math.ceil(cpu / spec.vcpu - 1e-9)));
    // Each host runs one container of each: 0.5 + 1 + 1 + 0.25 = 2.75 vCPU requested, more than the host's 2.
    expect(spec.vcpu).toBeLessThan(2.75);
    expect(sized.report.derived!.reasons.hosts).toMatch(
      new RegExp(
        `; each host runs one container of each service, requesting 2\\.75 vCPU, 3\\.75 GiB together \\(more than one ${type.replace('.', '\\.')}; compose holds no CPU reservation, so they share it\\)$`,
      ),
    );
    expect(sized.report.derived!.reasons.hosts).toMatch(
      new RegExp(`^services need ${fmt(cpu).replace('.', '\\.')} vCPU \\(api [\\d.]+ \\+ image-resizer [\\d.]+ \\+ nightly-report 0\\.25 \\+ web [\\d.]+\\)`),
    );
    expect(sized.report.derived!.reasons.hosts).not.toContain('chat-gateway');
  });

  it('warns, with the numbers, when the node group’s max cannot host the autoscalers’ max', () => {
    const sized = sizeBlueprint(photoEnvironment(`${header('growth')}workload:\n  mau: 3000000\ncompute:\n  nodes: { min: 2, max: 2 }\n`));
    const a = resolveAssumptions();
    const type = STAGE_PROFILES.growth.cluster!.instanceType;
    const node = allocatable(EC2_SPECS[type], { vcpu: a.nodeSystemCpu, memoryGiB: a.nodeSystemMemoryGiB });
    const pods = sized.blueprint.services!;
    // The autoscalers' max: each demand-driven service's sized max (its peak × headroom at full capacity).
    const headroom = a.autoscaleHeadroom;
    const sizedMax = (name: 'web' | 'api' | 'image-resizer') =>
      Math.ceil((expected(3_000_000, name).peak * headroom) / expected(3_000_000, name).perPod - 1e-9);
    const max = { web: sizedMax('web'), api: sizedMax('api'), 'image-resizer': sizedMax('image-resizer'), 'nightly-report': 1 };
    expect([pods.web.max, pods.api.max, pods['image-resizer'].max]).toEqual([max.web, max.api, max['image-resizer']]);
    const cpu = max.web * 0.5 + max.api * 1 + max['image-resizer'] * 1 + 0.25;
    const memory = max.web * 0.5 + max.api * 1 + max['image-resizer'] * 2 + 0.25;
    const count = max.web + max.api + max['image-resizer'] + 1;
    const needed = Math.max(Math.ceil(cpu / node.vcpu - 1e-9), Math.ceil(memory / node.memoryGiB - 1e-9), Math.ceil(count / node.pods));
    expect(sized.report.clusterCapacity).toMatchObject({ nodesMax: 2, nodesNeeded: needed, maxPods: count, fits: false });
    expect(sized.report.clusterCapacity!.maxPodsCpu).toBeCloseTo(cpu, 9);
    const top = [
      ['web', max.web, 0.5],
      ['api', max.api, 1],
      ['image-resizer', max['image-resizer'], 1],
      ['nightly-report', 1, 0.25],
    ]
      .sort((x, y) => (y[1] as number) * (y[2] as number) - (x[1] as number) * (x[2] as number))
      .map(([n, c, v]) => `${n} ${c} × ${v} vCPU`)
      .join(', ');
    expect(sized.report.warnings).toContain(
      `compute.nodes.max: 2 ${type} nodes per region offer ${fmt(2 * node.vcpu)} vCPU, ${fmt(2 * node.memoryGiB)} GiB, ${2 * node.pods} pods allocatable; ` +
        `the autoscalers' max pods (${count}: ${top}) request ${fmt(cpu)} vCPU, ${fmt(memory)} GiB and need ${needed} nodes; ` +
        `pods above the node group's max stay Pending; allowed: compute.nodes.max ≥ ${needed}, a larger compute.instanceType, or lower max pods`,
    );
  });

  it('sizes a disabled service when it is enabled again', () => {
    const mau = 3_000_000;
    const { environment, problems } = parseEnvironment(
      `name: photo\nstage: growth\nregions: [eu-central-1]\ndomain: photo.example.com\nworkload:\n  mau: ${mau}\n`,
      'environments/photo.yaml',
      PHOTO,
    );
    expect(problems).toEqual([]);
    const pods = sizeBlueprint(environment!).blueprint.services!['chat-gateway'];
    const w = resolveWorkload({ mau });
    const connections = mau * w.dauRatio * w.concurrentRatio;
    // scaleAtConnectionsPerPod defaults to 90% of connectionsPerPod.
    expect(pods).toMatchObject({ driver: 'connections', min: Math.max(2, Math.ceil(connections / 900)), max: Math.ceil((connections * 2.5) / 1000) });
  });
});

describe('bad demand figures are refused with the field and what is allowed', () => {
  const problems = (replace: [string, string]) => catalogOf({ 'api.yaml': PHOTO_SERVICES['api.yaml'].replace(...replace) }).problems.map(formatProblem);

  it.each([
    [
      ['driver: requests', 'driver: visitors'],
      'services/api.yaml: demand.driver: "visitors" is not a demand driver; allowed: requests, connections, queue, fixed',
    ],
    [['cpuMillisPerRequest: 4', 'cpuMillisPerRequest: 0'], 'services/api.yaml: demand.cpuMillisPerRequest: must be greater than 0; received number 0'],
    [['  cpuMillisPerRequest: 4\n', ''], 'services/api.yaml: demand.cpuMillisPerRequest: is required (a number)'],
    [
      ['scaling:\n  rule: api\n', 'scaling:\n  rule: fixed\n  replicas: 2\n'],
      'services/api.yaml: demand.driver: requests derives a pod range, which needs an autoscaled scaling rule; allowed: fixed with scaling rule fixed, or scaling rule cpu, queue, api or websocket-gateway',
    ],
    [
      [
        'demand:\n  driver: requests\n  requestsPerDailyUser: 120\n  cpuMillisPerRequest: 4\n',
        'demand:\n  driver: connections\n  connectionsPerPod: 100\n  scaleAtConnectionsPerPod: 200\n',
      ],
      'services/api.yaml: demand.scaleAtConnectionsPerPod: 200 must not exceed demand.connectionsPerPod (100), the most a pod holds',
    ],
  ] as Array<[[string, string], string]>)('%j', (replace, message) => {
    expect(problems(replace)).toEqual([message]);
  });
});
