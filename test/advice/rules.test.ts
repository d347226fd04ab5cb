import { graduation } from '../../advice/graduation';
import { Metrics } from '../../advice/metrics';
import { CHEAT_SHEET, evaluateRules } from '../../advice/rules';
import { parseEnvironment } from '../../config/load';
import { STAGE_MAU_CEILING } from '../../config/stages';
import { blueprintFor } from '../../sizing/blueprint';

/** Seed 004, "Scaling Decision Cheat Sheet", row by row: Signal | Action | Don't Do. */
const SEED_004_CHEAT_SHEET = [
  ['Response time > 500ms', 'Add caching layer', "Add more servers (won't help)"],
  ['CPU > 80% on app server', 'Add more app servers', 'Increase server size (hits ceiling)'],
  ['DB CPU > 70% on reads', 'Add read replica', 'Shard (overkill)'],
  ['DB CPU > 70% on writes', 'Optimize queries first, then shard', "Add replicas (won't help writes)"],
  ['Queue depth growing', 'Add more workers', 'Increase server size'],
  ['Cache hit ratio < 80%', 'Review cache strategy, add more cache', 'Throw more DB at it'],
  ['Deploy conflicts > 2/week', 'Extract microservice', 'Restructure monolith'],
  ['Single table > 500M rows', 'Archive or shard', "Add indexes (won't scale)"],
  ['Third-party API too slow', 'Add circuit breaker + fallback', 'Retry aggressively (makes it worse)'],
];

/** For each row: a reading that fires it and one at the threshold that does not. */
const READINGS: Record<string, { fires: Metrics; holds: Metrics }> = {
  'response-time': { fires: { p95LatencyMs: 501 }, holds: { p95LatencyMs: 500 } },
  'app-cpu': { fires: { appCpuPercent: 80.5 }, holds: { appCpuPercent: 80 } },
  'db-read-cpu': { fires: { db: { readCpuPercent: 71 } }, holds: { db: { readCpuPercent: 70 } } },
  'db-write-cpu': { fires: { db: { writeCpuPercent: 71 } }, holds: { db: { writeCpuPercent: 70 } } },
  'queue-depth': { fires: { queueDepthTrend: 'growing' }, holds: { queueDepthTrend: 'steady' } },
  'cache-hit': { fires: { cacheHitRatio: 0.79 }, holds: { cacheHitRatio: 0.8 } },
  'deploy-conflicts': { fires: { deployConflictsPerWeek: 3 }, holds: { deployConflictsPerWeek: 2 } },
  'table-rows': { fires: { largestTableRows: 500_000_001 }, holds: { largestTableRows: 500_000_000 } },
  'third-party': { fires: { thirdPartyP95Ms: 900 }, holds: { thirdPartyP95Ms: 400 } },
};

const environment = (yaml: string) => parseEnvironment(yaml, 'environments/test.yaml').environment!;

describe('the cheat sheet, one rule per seed 004 row', () => {
  it("keeps the seed's rows, in order and in its words", () => {
    expect(CHEAT_SHEET.map((r) => [r.signal, r.action, r.dont])).toEqual(SEED_004_CHEAT_SHEET);
  });

  it.each(CHEAT_SHEET.map((r) => [r.id, r] as const))('%s fires past its threshold, holds at it, and is not observed without its signal', (id, rule) => {
    const reading = READINGS[id];
    const fired = evaluateRules(reading.fires, { stage: 'scale' }, [rule])[0];
    expect(fired).toMatchObject({ status: 'fires', availableFrom: expect.any(String), howTo: expect.any(String) });
    expect(fired.observed).toBeDefined();
    expect(evaluateRules(reading.holds, { stage: 'scale' }, [rule])[0].status).toBe('holds');
    expect(evaluateRules({}, { stage: 'scale' }, [rule])[0]).toEqual({ rule, status: 'not observed' });
  });

  it('says how to act on a fired row in the stage at hand', () => {
    const traction = environment('name: acme-test\nstage: traction\nregions: [us-east-1]\ndomain: example.com\ncompute:\n  hosts: 2\n');
    const [app] = evaluateRules({ appCpuPercent: 95 }, { stage: 'traction', blueprint: blueprintFor(traction) }, [CHEAT_SHEET[1]]);
    expect(app).toMatchObject({ availableFrom: 'growth', howTo: 'traction runs at most 2 hosts: move to growth (a cluster behind a load balancer)' });
    const [one] = evaluateRules({ appCpuPercent: 95 }, { stage: 'traction' }, [CHEAT_SHEET[1]]);
    expect(one).toMatchObject({ availableFrom: 'traction', howTo: 'set compute.hosts: 2' });
    const [reads] = evaluateRules(
      { db: { readCpuPercent: 90 } },
      { stage: 'growth', blueprint: blueprintFor(environment('name: acme-test\nstage: growth\nregions: [us-east-1]\ndomain: example.com\n')) },
      [CHEAT_SHEET[2]],
    );
    expect(reads).toMatchObject({ availableFrom: 'growth', howTo: 'raise database.readReplicas (now 1)' });
  });
});

describe('graduation: move to the next stage?', () => {
  it('moves when MAU is above the stage ceiling (seed 004)', () => {
    const mau = STAGE_MAU_CEILING.growth + 1;
    expect(graduation('growth', mau, [])).toEqual({
      verdict: 'move',
      from: 'growth',
      to: 'scale',
      reasons: ["MAU 5,000,001 is above growth's ceiling of 5,000,000 (seed 004: growth is 500,000–5,000,000 MAU)"],
    });
  });

  it('moves when a fired row needs a component the stage does not have', () => {
    const outcomes = evaluateRules({ db: { readCpuPercent: 85 } }, { stage: 'traction' });
    expect(graduation('traction', 100_000, outcomes)).toEqual({
      verdict: 'move',
      from: 'traction',
      to: 'growth',
      reasons: ['"DB CPU > 70% on reads" (DB read CPU 85%) calls for "Add read replica", which Stagecraft offers from growth'],
    });
  });

  it('stays when every fired row can be acted on within the stage, and prepares near the ceiling', () => {
    const outcomes = evaluateRules({ db: { writeCpuPercent: 85 }, cacheHitRatio: 0.5 }, { stage: 'scale' });
    expect(graduation('scale', 6_000_000, outcomes).verdict).toBe('stay');
    const near = graduation('scale', STAGE_MAU_CEILING.scale * 0.8, outcomes);
    expect(near).toEqual({
      verdict: 'prepare',
      from: 'scale',
      to: 'hyperscale',
      reasons: ["MAU 8,000,000 is 80% of scale's ceiling of 10,000,000: plan the move before the ceiling"],
    });
  });

  it('has nowhere to go after massive', () => {
    const last = graduation('massive', 500_000_000, evaluateRules({ deployConflictsPerWeek: 5 }, { stage: 'massive' }));
    expect(last).toMatchObject({ verdict: 'stay', from: 'massive' });
    expect(last.to).toBeUndefined();
  });
});
