/**
 * The seeds' own figures, reproduced from their stated inputs by the sizing code. Every
 * expected value is the seed's arithmetic, written out here, never the tool's output.
 */
import { join } from 'node:path';
import { STAGE_MAU_CEILING, stageForMau } from '../../config/stages';
import { costPerMau } from '../../cost/estimate';
import { SEED_000_AT_200M_MAU } from '../../cost/reference';
import { ASSUMPTIONS, resolveAssumptions } from '../../config/assumptions';
import { ceilDiv, sizeForWorkload, CapacityInput } from '../../sizing/capacity';
import { demandOf, SECONDS_PER_DAY } from '../../sizing/demand';
import { AVAILABILITY_FLOORS } from '../../sizing/stage-profiles';
import { resolveWorkload, WORKLOAD_DEFAULTS } from '../../config/workload-defaults';
import { loadServiceCatalog } from '../../config/services';
import { EXAMPLES_ROOT } from '../helpers/examples';

/** The example product's service definitions: the seeds' per-server figures are theirs, not the engine's. */
const EXAMPLE_SERVICES = loadServiceCatalog(join(EXAMPLES_ROOT, 'services'), EXAMPLES_ROOT).services;
const exampleService = (name: string) => EXAMPLE_SERVICES.find((s) => s.name === name)!;
/** The chat services that carry seed 002's load: its connections are the gateway's. */
const CHAT_SERVICES = [exampleService('websocket-gateway'), exampleService('api')];

/** Seed 002's stated inputs: "1B Users, 10M Concurrent, 100 msgs/user/day"; "Peak (3x)". */
const SEED_002 = { users: 1_000_000_000, concurrent: 10_000_000, messagesPerUserPerDay: 100, peakFactor: 3 };
const seed002Workload = resolveWorkload({
  mau: SEED_002.users,
  dauRatio: 1, // the billion users each send 100 messages a day: they are daily users
  concurrentRatio: SEED_002.concurrent / SEED_002.users,
  messagesPerDauPerDay: SEED_002.messagesPerUserPerDay,
  peakFactor: SEED_002.peakFactor,
});

/** A single-region cluster topology to size a workload against. */
function capacityInput(overrides: Partial<CapacityInput> = {}): CapacityInput {
  return {
    stage: 'hyperscale',
    stageSource: 'pinned',
    regionCount: 1,
    zoneCount: 3,
    workload: seed002Workload,
    assumptions: resolveAssumptions(),
    floors: AVAILABILITY_FLOORS.hyperscale,
    cluster: { instanceType: 'm6i.2xlarge', instanceTypeField: 'compute.instanceType' },
    redis: { mode: 'cluster', nodeType: 'cache.r6g.2xlarge', nodeTypeField: 'cache.nodeType' },
    services: CHAT_SERVICES,
    cpuTargetPercent: () => 70,
    rangeOverride: () => ({}),
    ...overrides,
  };
}

describe('seed 002: 1B users, 10M concurrent, 100 messages per user per day', () => {
  const demand = demandOf(seed002Workload, CHAT_SERVICES);

  it('Quick Math: 100 billion messages a day, ~1.16 million a second, ~3.5 million at the 3× peak', () => {
    expect(demand.averageMessagesPerSecond * SECONDS_PER_DAY).toBeCloseTo(SEED_002.users * SEED_002.messagesPerUserPerDay, 0);
    expect(Number((demand.averageMessagesPerSecond / 1e6).toFixed(2))).toBe(1.16);
    expect(Number((demand.peakMessagesPerSecond / 1e6).toFixed(1))).toBe(3.5);
    expect(demand.peakMessagesPerSecond).toBeCloseTo(demand.averageMessagesPerSecond * 3, 6);
    expect(demand.peakConnections).toBeCloseTo(SEED_002.concurrent, 6);
  });

  it('§2: 200 WebSocket servers at 50,000 connections each hold the 10M connections', () => {
    const gateway = exampleService('websocket-gateway').demand;
    expect(gateway).toMatchObject({ driver: 'connections', connectionsPerPod: 50_000 });
    expect(ceilDiv(demand.peakConnections, 50_000)).toBe(SEED_002.concurrent / 50_000);
    expect(SEED_002.concurrent / 50_000).toBe(200);
  });

  it("§10: pods scale at 45,000 connections; the range runs to the seed's max of 500", () => {
    const sized = sizeForWorkload(capacityInput());
    const gateway = sized.services['websocket-gateway'];
    expect(gateway.min).toBe(Math.ceil(SEED_002.concurrent / 45_000)); // 223
    // "Min: 200 pods, Max: 500 pods": the same 2.5× headroom over the peak, at 50,000 per pod.
    expect(gateway.max).toBe((SEED_002.concurrent * (500 / 200)) / 50_000);
    expect(gateway.reason).toMatch(
      /^1,000,000,000 DAU × 0\.01 connections at peak = 10,000,000 connections \/ 45,000 per pod \(scale-up point; 50,000 at most\) → 223 min; max 500 /,
    );
  });

  it("§1 B: batching 100 messages per transaction turns 1M messages/s into 10K transactions/s, one primary's worth", () => {
    // 864M daily users × 100 messages = 1M messages a second on average; no peak, no request writes.
    const oneMillion = demandOf(resolveWorkload({ mau: 864_000_000, dauRatio: 1, messagesPerDauPerDay: 100, peakFactor: 1, writesPerRequest: 0 }), []);
    expect(oneMillion.averageMessagesPerSecond).toBeCloseTo(1_000_000, 6);
    expect(WORKLOAD_DEFAULTS.writeBatchSize.value).toBe(100);
    expect(oneMillion.peakDbWritesPerSecond).toBeCloseTo(10_000, 6);
    expect(ceilDiv(oneMillion.peakDbWritesPerSecond, ASSUMPTIONS.writesPerPostgresShard.value)).toBe(1);
    // Unbatched, the same load needs 100 primaries: "Need: 1.16M writes/sec (100x more!)".
    expect(ceilDiv(oneMillion.averageMessagesPerSecond, ASSUMPTIONS.writesPerPostgresShard.value)).toBe(100);
  });

  it("§4: the 3.5M messages/s peak needs ~10M Redis ops/s; seed 002's 10 primaries imply 1M ops per node", () => {
    expect(WORKLOAD_DEFAULTS.redisOpsPerMessage.value * 3_500_000).toBeCloseTo(10_000_000, 0);
    const messagesOnly = demandOf({ ...seed002Workload, redisOpsPerRequest: 0 }, CHAT_SERVICES);
    expect(messagesOnly.peakRedisOpsPerSecond).toBeCloseTo(demand.peakMessagesPerSecond * (10_000_000 / 3_500_000), 0);
    // At "Single Redis: ~100K ops/sec" the ops need 10M / 100K = 100 primaries, not the seed's 10…
    expect(ceilDiv(10_000_000, ASSUMPTIONS.redisOpsPerNode.value)).toBe(100);
    // …which its cluster reaches only at 1M ops per node, fully loaded (its §10 scales at 800K).
    const seedCluster = sizeForWorkload(
      capacityInput({
        workload: {
          ...seed002Workload,
          redisOpsPerRequest: 0,
          redisOpsPerMessage: 10_000_000 / demand.peakMessagesPerSecond,
          sessionBytes: 1,
          cacheBytesPerSession: 0,
        },
        assumptions: resolveAssumptions({ redisOpsPerNode: 1_000_000, redisScaleAtUtilization: 1 }),
      }),
    );
    expect(seedCluster.redisShards).toBe(10);
  });
});

describe('seed 000: sessions and cost per MAU', () => {
  it('§1.2: 100M MAU with a 10% active rate is 10M sessions; 100 shards of 100K sessions are 100MB each', () => {
    const demand = demandOf(resolveWorkload({ mau: 100_000_000, activeSessionRatio: 0.1 }), []);
    expect(demand.sessions).toBe(100_000_000 * 0.1);
    expect(WORKLOAD_DEFAULTS.activeSessionRatio.value).toBe(0.1);
    expect((demand.sessions / 100) * WORKLOAD_DEFAULTS.sessionBytes.value).toBe(100_000_000);
  });

  it('§2.1: 200M MAU at a 30% active rate is 60M DAU', () => {
    expect(demandOf(resolveWorkload({ mau: 200_000_000 }), []).dau).toBeCloseTo(60_000_000, 6);
  });

  it('§2.5: $47,300 a month at 200M MAU is $0.00024 per MAU', () => {
    const perMau = costPerMau(SEED_000_AT_200M_MAU.monthlyUsd, SEED_000_AT_200M_MAU.mau);
    expect(Number(perMau.toPrecision(2))).toBe(SEED_000_AT_200M_MAU.perMauUsd);
  });
});

describe('seed 004: stage boundaries and the load at 10M MAU', () => {
  it('chooses the stage from MAU at the boundaries 10K / 500K / 5M / 10M / 50M', () => {
    const boundaries: Array<[number, string, string]> = [
      [10_000, 'launch', 'traction'],
      [500_000, 'traction', 'growth'],
      [5_000_000, 'growth', 'scale'],
      [10_000_000, 'scale', 'hyperscale'],
      [50_000_000, 'hyperscale', 'massive'],
    ];
    for (const [mau, below, above] of boundaries) {
      expect([stageForMau(mau), stageForMau(mau + 1)]).toEqual([below, above]);
      expect(STAGE_MAU_CEILING[below as keyof typeof STAGE_MAU_CEILING]).toBe(mau);
    }
    expect([stageForMau(1), stageForMau(100_000_000), stageForMau(2_000_000_000)]).toEqual(['launch', 'massive', 'massive']);
  });

  it('Stage 4: the default workload at 10M MAU peaks at ~3,750 req/s with ~3,500 Redis ops/s, as the seed measured', () => {
    const demand = demandOf(resolveWorkload({ mau: 10_000_000, messagesPerDauPerDay: 0 }), []);
    expect(demand.peakRps).toBeCloseTo(3_750, 6);
    expect(demand.peakRedisOpsPerSecond).toBeCloseTo(3_500, 6);
    expect(demand.peakDbWritesPerSecond).toBeCloseTo(18, 6);
    // "App servers (3×8 vCPU) ~9,000 req/s": 375 per vCPU; the example API spends 1000 / 375 CPU-ms a request.
    const api = exampleService('api');
    expect(api.demand).toMatchObject({ driver: 'requests' });
    const cpuMillisPerRequest = api.demand.driver === 'requests' ? api.demand.cpuMillisPerRequest : NaN;
    expect(cpuMillisPerRequest).toBeCloseTo(1000 / (9_000 / (3 * 8)), 2);
  });

  it("Stage 5: at the chat example's 100 messages per DAU, the peak reaches the 10K/s at which Kafka replaces RabbitMQ as MAU passes 10M", () => {
    const at = (mau: number) => demandOf(resolveWorkload({ mau, messagesPerDauPerDay: 100 }), []).peakMessagesPerSecond;
    expect(at(STAGE_MAU_CEILING.scale)).toBeGreaterThan(ASSUMPTIONS.messagesPerRabbitMq.value);
    expect(at(STAGE_MAU_CEILING.growth)).toBeLessThan(ASSUMPTIONS.messagesPerRabbitMq.value);
  });
});

describe('seed 003: 30M DAU hold 2M+ simultaneous connections', () => {
  it('the default concurrent ratio gives a gateway that states none of its own 2M connections at 30M DAU', () => {
    const gateway = exampleService('websocket-gateway');
    expect(gateway.demand.driver).toBe('connections');
    expect('connectionsPerDailyUser' in gateway.demand).toBe(false);
    const demand = demandOf(resolveWorkload({ mau: 30_000_000 / WORKLOAD_DEFAULTS.dauRatio.value }), [gateway]);
    expect(demand.dau).toBeCloseTo(30_000_000, 6);
    expect(demand.peakConnections).toBeCloseTo(2_000_000, 6);
  });
});
