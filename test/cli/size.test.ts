import { join } from 'node:path';
import { ASSUMPTION_NAMES, ASSUMPTIONS } from '../../config/assumptions';
import { AVAILABILITY_FLOORS } from '../../sizing/stage-profiles';
import { project, run } from '../helpers/cli';
import { loadServiceCatalog } from '../../config/services';
import { EXAMPLES_ROOT } from '../helpers/examples';
import { DAYS_PER_MONTH } from '../../sizing/demand';
import { fmt } from '../../sizing/numbers';

const CATALOG = loadServiceCatalog(join(EXAMPLES_ROOT, 'services'), EXAMPLES_ROOT).services;
const serviceNamed = (name: string) => CATALOG.find((s) => s.name === name)!;

const SHOP = 'name: shop\nregions: [us-east-1]\ndomain: shop.example.com\nworkload:\n  mau: 3000000\n  messagesPerDauPerDay: 100\n  hotRetentionDays: 2\n';
const TINY = 'name: tiny-launch\nstage: launch\nregions: [us-east-1]\ndomain: tiny.example.com\n';

describe('stagecraft size --env', () => {
  const root = project({ 'environments/shop.yaml': SHOP, 'environments/tiny.yaml': TINY });

  it('prints one JSON object with the stage, the peaks, every component, the cost and the assumptions', async () => {
    const result = await run(root, 'size', '--env', 'shop', '--json');
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({ environment: 'shop', stage: 'growth', stageSource: 'workload.mau', regions: 1, perRegionDivisor: 1 });
    for (const key of ['rps', 'messagesPerSecond', 'connections']) expect(typeof doc.peak[key]).toBe('number');
    for (const path of ['dbShards', 'redis.shards', 'redis.replicasPerShard']) {
      expect(typeof path.split('.').reduce((node, key) => node[key], doc.components)).toBe('number');
    }
    expect(doc.components.cockroach).toBeNull();
    // Every enabled service has a line, with the pods its own demand figures give at the peaks the document reports.
    const a = doc.assumptions;
    const byName = Object.fromEntries(doc.components.services.map((s: { name: string }) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(
      CATALOG.filter((s) => s.stages.includes('growth'))
        .map((s) => s.name)
        .sort(),
    );
    const gateway = serviceNamed('websocket-gateway');
    if (gateway.demand.driver !== 'connections') throw new Error('the example gateway changed drivers');
    expect(byName['websocket-gateway']).toMatchObject({ driver: 'connections', peakPerRegion: doc.peak.connections });
    expect(byName['websocket-gateway'].min).toBe(
      Math.max(AVAILABILITY_FLOORS.growth.pods, Math.ceil(doc.peak.connections / gateway.demand.scaleAtConnectionsPerPod!)),
    );
    expect(byName['websocket-gateway'].max).toBe(
      Math.max(byName['websocket-gateway'].min, Math.ceil((doc.peak.connections * a.autoscaleHeadroom.value) / gateway.demand.connectionsPerPod)),
    );
    const api = serviceNamed('api');
    if (api.demand.driver !== 'requests') throw new Error('the example api changed drivers');
    const apiPerPod = api.resources.requests.cpuMillis / api.demand.cpuMillisPerRequest;
    expect(byName.api.min).toBe(Math.max(AVAILABILITY_FLOORS.growth.pods, Math.ceil(doc.peak.rps / (apiPerPod * 0.7) - 1e-9)));
    expect(byName.api.cpu).toBe(api.resources.requests.cpuMillis / 1000);
    expect(doc.clusterCapacity).toMatchObject({ nodesMax: doc.components.nodes.max, fits: true });
    // The environment states its messages (the example's services declare none), so the rate is not 0.
    expect(doc.workload.messagesPerDauPerDay).toBe(100);
    expect(doc.peak.messagesPerSecond).toBeCloseTo(
      (3_000_000 * doc.workload.dauRatio * doc.workload.messagesPerDauPerDay * doc.workload.peakFactor) / 86_400,
      6,
    );
    // Cost: the sum of the stacks, and per MAU.
    expect(doc.monthlyCostUsd).toBeCloseTo(
      doc.stacks.reduce((sum: number, s: { monthlyUsd: number }) => sum + s.monthlyUsd, 0),
      6,
    );
    expect(doc.costPerMauUsd).toBeCloseTo(doc.monthlyCostUsd / 3_000_000, 12);
    expect(doc.unpricedResources).toBe(0);
    expect(Object.keys(a)).toEqual(ASSUMPTION_NAMES);
    expect(a.autoscaleHeadroom).toEqual({
      value: ASSUMPTIONS.autoscaleHeadroom.value,
      unit: ASSUMPTIONS.autoscaleHeadroom.unit,
      source: ASSUMPTIONS.autoscaleHeadroom.source,
      overridden: false,
    });
    expect(doc.workloadDefaults).not.toContain('hotRetentionDays');
    expect(doc.workloadDefaults).toContain('dauRatio');
  });

  it('reports the same monthly cost as `stagecraft cost`, which prices the same synthesized stacks', async () => {
    const size = JSON.parse((await run(root, 'size', '--env', 'shop', '--json')).stdout);
    const cost = JSON.parse((await run(root, 'cost', '--env', 'shop', '--json')).stdout);
    expect(cost.environments[0].monthlyUsd).toBeCloseTo(size.monthlyCostUsd, 6);
  });

  it('prints a table of components with the reasoning behind each count', async () => {
    const result = await run(root, 'size', '--env', 'shop');
    expect(result.stdout).toMatch(/^shop \(environments\/shop\.yaml\): growth, chosen from mau 3,000,000 \(seed 004: 500,000–5,000,000 MAU\)$/m);
    expect(result.stdout).toMatch(
      /^websocket-gateway pods +2–3 +900,000 DAU × 0\.0667 connections at peak = 60,000 connections \/ 45,000 per pod \(scale-up point; 50,000 at most\) → 2 min; max 3 \(× 2\.5 headroom \/ 50,000 per pod\); 2 vCPU, 4 GiB per pod → 4–6 vCPU, 8–12 GiB$/m,
    );
    expect(result.stdout).toMatch(/^archive-worker pods +1–1 +fixed: 1 replica\(s\) → 1–1 pods × 0\.25 vCPU, 0\.25 GiB per pod$/m);
    expect(result.stdout).toMatch(/^nodes +\d+–\d+ × m6i\.xlarge +m6i\.xlarge \(/m);
    expect(result.stdout).toMatch(/^monthly cost: \$[\d,]+ \(\$0\.0*[1-9]\d* per MAU\), priced from the synthesized stacks/m);
  });

  it('needs a workload in the environment', async () => {
    const result = await run(root, 'size', '--env', 'tiny');
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'environments/tiny.yaml: workload: is required by `stagecraft size`: add workload.mau (monthly active users) to size from it\n',
    });
  });

  it('takes exactly one of --env and --workload', async () => {
    for (const argv of [['size'], ['size', '--env', 'shop', '--workload', 'w.yaml']]) {
      expect(await run(root, ...argv)).toEqual({
        code: 2,
        stdout: '',
        stderr: 'stagecraft size: arguments: give exactly one of --env <name-or-path> or --workload <file>\n',
      });
    }
  });
});

describe('stagecraft size --workload', () => {
  const size = async (yaml: string, json = true) => {
    const root = project({ 'w.yaml': yaml });
    return run(root, 'size', '--workload', 'w.yaml', ...(json ? ['--json'] : []));
  };

  it('chooses the stage from mau and runs one region below massive', async () => {
    const doc = JSON.parse((await size('mau: 30000000\ndauRatio: 0.3\n')).stdout);
    expect(doc).toMatchObject({ environment: 'workload', stage: 'hyperscale', stageSource: 'workload.mau', regions: 1, regionCodes: ['us-east-1'] });
  });

  it('runs three regions on massive and sizes each for peak ÷ (regions − 1)', async () => {
    const doc = JSON.parse((await size('mau: 120000000\n')).stdout);
    expect(doc).toMatchObject({ stage: 'massive', regions: 3, regionCodes: ['us-east-1', 'eu-west-1', 'ap-northeast-1'], perRegionDivisor: 2 });
    const gateway = doc.components.services.find((s: { name: string }) => s.name === 'websocket-gateway');
    expect(gateway.peakPerRegion).toBeCloseTo(doc.peak.connections / 2, 6);
    expect(gateway.min).toBe(Math.ceil(doc.peak.connections / 2 / 45_000));
    expect(doc.components.cockroach.nodesPerRegion).toBeGreaterThanOrEqual(3);
  });

  it('honours a pinned stage and assumption overrides', async () => {
    const doc = JSON.parse((await size('mau: 3000000\nstage: scale\nassumptions:\n  autoscaleHeadroom: 4\n')).stdout);
    expect(doc).toMatchObject({ stage: 'scale', stageSource: 'pinned' });
    expect(doc.assumptions.autoscaleHeadroom).toMatchObject({ value: 4, overridden: true });
    const gateway = doc.components.services.find((s: { name: string }) => s.name === 'websocket-gateway');
    expect(gateway.max).toBe(Math.max(gateway.min, Math.ceil((doc.peak.connections * 4) / 50_000)));
    expect(doc.warnings).toContain(
      "workload.mau 3,000,000 is in growth's range (500,000–5,000,000 MAU, seed 004); this environment pins scale (5,000,000–10,000,000 MAU)",
    );
  });

  it.each([
    ['mau: -5\n', 'w.yaml: mau: must be a whole number, at least 1 (monthly active users); received number -5'],
    ['dauRatio: 0.3\n', 'w.yaml: mau: is required: monthly active users, a whole number, at least 1'],
    ['mau: 1000\ndauRatio: 1.5\n', 'w.yaml: dauRatio: must be greater than 0 and at most 1; received number 1.5'],
    ['mau: 1000\nconcurrentRatio: -0.1\n', 'w.yaml: concurrentRatio: must be greater than 0 and at most 1; received number -0.1'],
    ['mau: 1000\npeakFactor: 0\n', 'w.yaml: peakFactor: must be from 1 to 100; received number 0'],
    [
      'mau: 120000000\nregions: 1\n',
      'w.yaml: regions: massive (chosen from mau 120,000,000) needs at least 3 regions, so that losing one still leaves two; received 1',
    ],
    [
      'mau: 1000000\nassumptions:\n  connectionsPerWebsocketPod: 10000\n',
      'w.yaml: assumptions: unknown key "connectionsPerWebsocketPod"; allowed keys: ' + ASSUMPTION_NAMES.join(', '),
    ],
  ])('exits 2 on %j, naming the field and the allowed range', async (yaml, message) => {
    expect(await size(yaml)).toEqual({ code: 2, stdout: '', stderr: `${message}\n` });
  });

  it('lists the allowed keys for an unknown one', async () => {
    const result = await size('mau: 1000\nusers: 5\n');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^w\.yaml: \(root\): unknown key "users"; allowed keys: mau, dauRatio, concurrentRatio, requestsPerDauPerDay, messagesPerDauPerDay, peakFactor, .*, regions, stage, assumptions\n$/,
    );
  });
});

describe('stagecraft size --env with an edge-first service (the identity example)', () => {
  const IDENTITY = join(EXAMPLES_ROOT, '..', 'identity');
  const edgeService = loadServiceCatalog(join(IDENTITY, 'services'), IDENTITY).services.find((s) => s.edge !== undefined)!;

  it('gives it a line of reasoning: its requests, Worker CPU, Durable Object requests and KV reads, and no pods', async () => {
    const json = await run(IDENTITY, 'size', '--env', 'identity', '--json');
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    const edge = edgeService.edge!;
    expect(doc.components.services.map((s: { name: string }) => s.name)).not.toContain(edgeService.name);
    const [line] = doc.components.edgeServices;
    const demand = edgeService.demand.driver === 'requests' ? edgeService.demand : undefined;
    const perUser = demand?.requestsPerDailyUser ?? doc.workload.requestsPerDauPerDay;
    // The whole environment's peak: Workers serve every location, no region divides it.
    const peak = ((doc.dau * perUser) / 86_400) * doc.workload.peakFactor;
    expect(line).toMatchObject({
      name: edgeService.name,
      peakRequestsPerSecond: expect.closeTo(peak, 6),
      peakCpuSecondsPerSecond: expect.closeTo((peak * demand!.cpuMillisPerRequest) / 1000, 6),
      peakDurableObjectRequestsPerSecond: expect.closeTo(peak * edge.durableObjectRequestsPerRequest, 6),
      peakKvReadsPerSecond: expect.closeTo(peak * edge.kvReadsPerRequest, 6),
    });
    // Its month is the one the cost prices (sizing/usage.ts edgeServiceUsage).
    expect(line.month.requests).toBeCloseTo(doc.dau * perUser * DAYS_PER_MONTH, 0);
    const perUserText = demand?.requestsPerDailyUser === undefined ? " (the workload's requestsPerDauPerDay)" : '';
    expect(line.reason).toContain(
      `${fmt(doc.dau)} DAU × ${fmt(perUser)} req/day${perUserText} ÷ 86,400 × ${fmt(doc.workload.peakFactor)} peak = ${fmt(peak)} req/s at the edge, every location together`,
    );
    expect(line.reason).toContain(`(${edge.durableObjects.join(', ')})`);
    expect(line.reason).toContain(`(${edge.kvNamespaces.join(', ')})`);
    expect(line.reason).toMatch(/→ Workers scale per request: no pods, no nodes$/);

    const text = await run(IDENTITY, 'size', '--env', 'identity');
    const row = text.stdout.split('\n').find((l) => l.startsWith(`${edgeService.name} (edge Worker)`));
    expect(row).toMatch(new RegExp(`^${edgeService.name} \\(edge Worker\\) +no pods +`));
    expect(row!.replace(/^.*?no pods +/, '')).toBe(line.reason);
    expect(text.stdout).toContain(`${edgeService.name} (requests, a Worker at the edge)`);
    expect(text.stdout).not.toContain(`${edgeService.name} pods`);
  }, 120_000);
});
