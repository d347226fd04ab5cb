import { join } from 'node:path';
import { base, environment, SEVERAL_REGIONS_EDGE, sizeProblems } from '../helpers/environments';
import { assumptionsSchema, workloadSchema } from '../../config/schema';
import { ASSUMPTION_NAMES, ASSUMPTIONS, resolveAssumptions } from '../../config/assumptions';
import { sizeBlueprint } from '../../sizing/blueprint';
import { ceilDiv, fmt, sizeForWorkload } from '../../sizing/capacity';
import { demandOf } from '../../sizing/demand';
import { allocatable, EC2_SPECS, kubeletReserved } from '../../sizing/instance-specs';
import { AVAILABILITY_FLOORS, STAGE_PROFILES } from '../../sizing/stage-profiles';
import { resolveWorkload, WORKLOAD_DEFAULTS, WORKLOAD_FIELDS } from '../../config/workload-defaults';
import { loadServiceCatalog } from '../../config/services';
import { EXAMPLES_ROOT } from '../helpers/examples';

const EXAMPLE_SERVICES = loadServiceCatalog(join(EXAMPLES_ROOT, 'services'), EXAMPLES_ROOT).services;

const THREE_REGIONS = '[us-east-1, eu-west-1, ap-northeast-1]';

describe('assumption and default tables', () => {
  it('gives every assumption and workload default a unit, a description and a source', () => {
    for (const spec of [...Object.values(ASSUMPTIONS), ...Object.values(WORKLOAD_DEFAULTS)]) {
      expect(spec.unit.length).toBeGreaterThan(0);
      expect(spec.description.length).toBeGreaterThan(0);
      expect(spec.source).toMatch(/^(seed 00\d|Stagecraft)/);
    }
  });

  it('lets an environment override exactly the tabled names', () => {
    expect(Object.keys(assumptionsSchema.shape)).toEqual(ASSUMPTION_NAMES);
    expect(Object.keys(workloadSchema.shape)).toEqual(['mau', ...WORKLOAD_FIELDS]);
    // The fixed field names users and tools rely on.
    expect(Object.keys(workloadSchema.shape).slice(0, 6)).toEqual([
      'mau',
      'dauRatio',
      'concurrentRatio',
      'requestsPerDauPerDay',
      'messagesPerDauPerDay',
      'peakFactor',
    ]);
  });

  it('derives request and message defaults by the arithmetic their sources state', () => {
    expect(WORKLOAD_DEFAULTS.requestsPerDauPerDay.value).toBeCloseTo(((3_750 / 3) * 86_400) / (10_000_000 * 0.3), 9);
    expect(WORKLOAD_DEFAULTS.concurrentRatio.value).toBeCloseTo(2 / 30, 12);
    expect(WORKLOAD_DEFAULTS.transferKBPerDauPerDay.value).toBe((100 * 1e12) / 1e9 / 1e3);
  });
});

describe('multi-region: each region carries peak ÷ (regions − 1)', () => {
  it('sizes every region so that losing any one leaves enough for the peak', () => {
    const workload = resolveWorkload({ mau: 120_000_000 });
    const a = resolveAssumptions();
    const gateway = EXAMPLE_SERVICES.find((s) => s.name === 'websocket-gateway')!;
    const api = EXAMPLE_SERVICES.find((s) => s.name === 'api')!;
    const demand = demandOf(workload, [gateway, api]);
    if (gateway.demand.driver !== 'connections' || api.demand.driver !== 'requests') throw new Error('the example services changed drivers');
    const scaleAt = gateway.demand.scaleAtConnectionsPerPod!;
    const apiPerPodAtTarget = (api.resources.requests.cpuMillis / api.demand.cpuMillisPerRequest) * 0.7;
    for (const regions of [3, 4, 5]) {
      const sized = sizeForWorkload({
        stage: 'massive',
        stageSource: 'pinned',
        regionCount: regions,
        zoneCount: 3,
        workload,
        assumptions: a,
        floors: AVAILABILITY_FLOORS.massive,
        cluster: { instanceType: 'm6i.2xlarge', instanceTypeField: 'compute.instanceType' },
        cockroach: true,
        redis: { mode: 'cluster', nodeType: 'cache.r6g.2xlarge', nodeTypeField: 'cache.nodeType' },
        kafka: true,
        services: [gateway, api],
        cpuTargetPercent: () => 70,
        rangeOverride: () => ({}),
      });
      const ws = sized.services['websocket-gateway'];
      const apiPods = sized.services.api;
      expect(sized.regionDivisor).toBe(regions - 1);
      expect(ws.min).toBe(Math.ceil(demand.peakConnections / (regions - 1) / scaleAt));
      expect(apiPods.min).toBe(ceilDiv(demand.peakRps / (regions - 1), apiPerPodAtTarget));
      // The surviving regions, at the scale-up threshold, still hold the whole peak.
      expect((regions - 1) * ws.min * scaleAt).toBeGreaterThanOrEqual(demand.peakConnections);
      expect((regions - 1) * apiPods.min * apiPerPodAtTarget).toBeGreaterThanOrEqual(demand.peakRps * (1 - 1e-9));
      // Dividing by all regions instead would leave the survivors short.
      expect((regions - 1) * Math.ceil(demand.peakConnections / regions / scaleAt) * scaleAt).toBeLessThan(demand.peakConnections);
    }
  });
});

describe('workload-driven blueprint', () => {
  it('derives node counts from pod requests against node allocatable', () => {
    const sized = sizeBlueprint(environment(`${base('scale')}workload:\n  mau: 8000000\n`));
    const bp = sized.blueprint;
    const a = resolveAssumptions();
    const spec = EC2_SPECS['m6i.2xlarge'];
    const reserved = kubeletReserved(spec);
    // EKS AMI: 6% + 1% + 2 × 0.5% + 4 × 0.25% of the 8 cores; 255 MiB + 11 MiB × 58 pods + 100 MiB.
    expect(reserved.vcpu).toBeCloseTo((60 + 10 + 2 * 5 + 4 * 2.5) / 1000, 9);
    expect(reserved.memoryGiB).toBeCloseTo((255 + 11 * 58 + 100) / 1024, 9);
    const node = allocatable(spec, { vcpu: a.nodeSystemCpu, memoryGiB: a.nodeSystemMemoryGiB });
    // Every enabled service's own requests, at its min and at its max pods.
    const services = sized.report.derived!.services;
    expect(Object.keys(services).sort()).toEqual(Object.keys(bp.services!).sort());
    const need = (at: 'min' | 'max') => {
      const list = Object.values(services);
      const cpu = list.reduce((sum, p) => sum + p[at] * p.cpu, 0);
      const memory = list.reduce((sum, p) => sum + p[at] * p.memoryGiB, 0);
      const pods = list.reduce((sum, p) => sum + p[at], 0);
      return Math.max(Math.ceil(cpu / node.vcpu - 1e-9), Math.ceil(memory / node.memoryGiB - 1e-9), Math.ceil(pods / node.pods));
    };
    expect(bp.cluster?.nodes.min).toBe(Math.max(AVAILABILITY_FLOORS.scale.nodes, need('min')));
    expect(bp.cluster?.nodes.max).toBe(Math.max(bp.cluster!.nodes.min, need('max')));
    expect(bp.cluster?.nodes.desired).toBe(bp.cluster?.nodes.min);
    // Topology stays the profile's: instance classes and kinds.
    expect(bp.cluster?.instanceType).toBe(STAGE_PROFILES.scale.cluster?.instanceType);
    expect(bp.postgres).toMatchObject({ kind: 'aurora', instanceClass: STAGE_PROFILES.scale.postgres?.instanceClass });
  });

  it("shards hyperscale Postgres by writes and by the largest table's rows", () => {
    const bp = sizeBlueprint(environment(`${base('hyperscale')}workload:\n  mau: 30000000\n  messagesPerDauPerDay: 100\n  hotRetentionDays: 2\n`)).blueprint;
    const hotRows = 30_000_000 * 0.3 * 100 * 2;
    expect(bp.postgres?.shards).toBe(Math.ceil(hotRows / ASSUMPTIONS.rowsPerTableShard.value));
  });

  it('sizes Kafka brokers to a multiple of the zones and CockroachDB to at least 3 nodes per region', () => {
    const bp = sizeBlueprint(
      environment(`${base('massive').replace('[us-east-1]', THREE_REGIONS)}${SEVERAL_REGIONS_EDGE}workload:\n  mau: 120000000\n  messagesPerDauPerDay: 100\n`),
    ).blueprint;
    const demand = demandOf(resolveWorkload({ mau: 120_000_000, messagesPerDauPerDay: 100 }), []);
    const perRegionMBps = (demand.peakMessagesPerSecond * 1_000) / 1e6 / 2;
    expect(bp.kafka?.brokers).toBe(Math.ceil(Math.ceil(perRegionMBps / ASSUMPTIONS.kafkaMBpsPerBroker.value) / 3) * 3);
    expect(bp.cockroach?.nodesPerRegion).toBe(Math.max(3, Math.ceil((demand.peakDbWritesPerSecond * 3) / 2 / ASSUMPTIONS.writesPerCockroachNode.value)));
    expect(bp.redis.shards).toBeGreaterThanOrEqual(3);
  });

  it('lets every explicit size win over the derived one, and says so', () => {
    const sized = sizeBlueprint(
      environment(
        `${base('hyperscale')}database:\n  shards: 2\n  readReplicas: 3\ncache:\n  shards: 4\nstreaming:\n  brokers: 6\ncompute:\n  nodes: { min: 40 }\nworkload:\n  mau: 30000000\n  messagesPerDauPerDay: 100\n`,
      ),
    );
    const derived = sized.report.derived!;
    expect(sized.blueprint.postgres).toMatchObject({ shards: 2, readReplicas: 3 });
    expect(sized.blueprint.redis.shards).toBe(4);
    expect(sized.blueprint.kafka?.brokers).toBe(6);
    expect(sized.blueprint.cluster?.nodes).toEqual({ min: 40, max: 40, desired: 40 });
    expect(sized.report.explicit).toEqual(
      expect.arrayContaining([
        { field: 'database.shards', value: 2, derived: derived.dbShards },
        { field: 'cache.shards', value: 4, derived: derived.redisShards },
        { field: 'compute.nodes.min', value: 40, derived: derived.nodes!.min },
      ]),
    );
    expect(sized.report.warnings).toContain(`database.shards 2 is set explicitly, below the ${derived.dbShards} the workload needs`);
  });

  it("keeps the stage profile's counts when there is no workload", () => {
    const bp = sizeBlueprint(environment(base('scale'))).blueprint;
    expect(bp.cluster?.nodes).toEqual(STAGE_PROFILES.scale.cluster?.nodes);
    expect(bp.services).toBeUndefined();
  });

  it('warns when a pinned stage is not the one the MAU falls in', () => {
    const sized = sizeBlueprint(environment(`${base('growth')}workload:\n  mau: 7000000\n`));
    expect(sized.report.warnings).toContain(
      "workload.mau 7,000,000 is in scale's range (5,000,000–10,000,000 MAU, seed 004); this environment pins growth (500,000–5,000,000 MAU)",
    );
  });
});

describe('assumptions that make a component impossible stop sizing (exit 2)', () => {
  it('rejects a write rate one primary cannot take on a stage that cannot shard', () => {
    const writes = demandOf(resolveWorkload({ mau: 3_000_000, messagesPerDauPerDay: 100 }), []).peakDbWritesPerSecond;
    expect(sizeProblems(`${base('growth')}workload:\n  mau: 3000000\n  messagesPerDauPerDay: 100\nassumptions:\n  writesPerPostgresShard: 10\n`)).toEqual([
      `environments/test.yaml: assumptions.writesPerPostgresShard: growth runs one Postgres primary, which takes 10 write tx/s; the workload needs ${fmt(writes)}; allowed: at least ${fmt(writes)}, more write batching (workload.writeBatchSize), or stage hyperscale, which shards`,
    ]);
  });

  it('rejects more hosts than a single-host stage runs, unless compute.hosts is set', () => {
    const yaml = `${base('traction')}workload:\n  mau: 400000\n  requestsPerDauPerDay: 3000\n`;
    // The demand of every enabled service in fractions of a pod, and one container of each fixed one.
    const services = sizeBlueprint(environment(`${yaml}compute:\n  hosts: 2\n`)).report.derived!.services;
    const cpu = Object.values(services).reduce((sum, p) => sum + (p.driver === 'fixed' ? 1 : p.rawPods!) * p.cpu, 0);
    const hosts = ceilDiv(cpu, EC2_SPECS['t3.large'].vcpu);
    expect(sizeProblems(yaml)).toEqual([
      `environments/test.yaml: workload: needs ${hosts} t3.large hosts at peak (${fmt(cpu)} vCPU); traction runs at most 2; allowed: a workload that fits 2, a larger compute.instanceType, or a cluster stage (growth or later)`,
    ]);
    const pinned = sizeBlueprint(environment(`${yaml}compute:\n  hosts: 2\n`));
    expect(pinned.report.problems).toEqual([]);
    expect(pinned.blueprint.hosts?.count).toBe(2);
  });

  it('rejects sessions that do not fit a single Redis node', () => {
    const demand = demandOf(resolveWorkload({ mau: 500_000, sessionBytes: 100_000 }), []);
    const gib = demand.redisBytes / 1024 ** 3;
    expect(sizeProblems(`${base('traction')}workload:\n  mau: 500000\n  sessionBytes: 100000\n`)).toEqual([
      `environments/test.yaml: cache.nodeType: cache.t4g.small holds ${fmt(1.37 * 0.8)} GiB at the 80% session-shard limit; the workload keeps ${fmt(gib)} GiB of sessions and cache; allowed: a node type with at least ${fmt(gib / 0.8)} GiB, or stage scale (Redis Cluster)`,
    ]);
  });
});
