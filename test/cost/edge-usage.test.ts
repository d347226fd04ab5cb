/**
 * The Cloudflare products the edge stack builds, priced from the workload, and the regions an
 * environment may run in. Expected amounts are the catalog's prices × the usage the workload
 * gives, multiplied out here; regions are compared with the catalog, not with a copied list.
 */
import { CATALOG } from '../../cost/catalog';
import { priceStack, ResourceCost } from '../../cost/estimate';
import { formatUsdPerUnit } from '../../cost/reference';
import { AWS_REGIONS, PRICED_REGIONS } from '../../config/regions';
import { resolveWorkload } from '../../config/workload-defaults';
import { sizeBlueprint } from '../../sizing/blueprint';
import { DAYS_PER_MONTH, SECONDS_PER_DAY } from '../../sizing/demand';
import { regionUsage } from '../../sizing/usage';
import { StackJson } from '../../synthesis/stack-views';
import { MESSAGE_TIERS_DAYS } from '../../stacks/edge-stack';
import { synthesizeExamples } from '../helpers/examples';
import { base, environment } from '../helpers/environments';
import { parseEnvironment } from '../../config/load';
import { formatProblem } from '../../config/errors';

const usd = (key: string) => CATALOG.prices[key].usd!;

describe('the edge stack is priced from the workload', () => {
  const examples = synthesizeExamples();
  const massive = examples.environments.find((e) => e.stage === 'massive')!;
  const { report } = sizeBlueprint(massive);
  const a = report.assumptions;
  const usage = regionUsage(report.derived!.demand, report.workload!, massive.regions.length, a.cockroachReplicationFactor, a.rateLimiterMsPerCall);
  const edge = examples.summaries.find((s) => s.environment === massive.name && s.name.endsWith('-edge'))!;
  const stack = priceStack(edge.name, examples.stack(edge.name) as StackJson, { usage });
  const ofType = (type: string) => stack.resources.filter((r) => r.type === type);
  const component = (r: ResourceCost, key: string) => r.components.find((c) => c.unit === CATALOG.prices[key].unit);

  // The workload, written out: API requests a month, daily users, sessions, message bytes.
  const w = resolveWorkload(massive.config.workload!);
  const dau = w.mau * w.dauRatio;
  const requests = dau * w.requestsPerDauPerDay * DAYS_PER_MONTH;

  it('prices the rate-limiter Durable Object per call and per active GB-s, above what Workers Paid includes', () => {
    const [script] = ofType('cloudflare_workers_script');
    expect(component(script, 'cloudflare.durableObjectsRequests')!.monthlyUsd).toBeCloseTo((requests / 1e6 - 1) * usd('cloudflare.durableObjectsRequests'), 6);
    const gbSeconds = requests * (a.rateLimiterMsPerCall / 1000) * 0.128;
    expect(component(script, 'cloudflare.durableObjectsDuration')!.monthlyUsd).toBeCloseTo(
      ((gbSeconds - 400_000) / 1e6) * usd('cloudflare.durableObjectsDuration'),
      6,
    );
    expect(component(script, 'cloudflare.workersRequests')!.monthlyUsd).toBeCloseTo((requests / 1e6 - 10) * usd('cloudflare.workersRequests'), 6);
    expect(script.notModelled.map((n) => n.component)).toEqual(['CPU time above 30M ms ($0.02 per million ms)', 'Durable Object storage']);
  });

  it('prices the session cache in KV: a lookup per request, a write per daily user a day, the sessions it holds', () => {
    const kv = ofType('cloudflare_workers_kv_namespace');
    const sessions = kv.find((r) => r.path?.endsWith('/sessions'))!;
    expect(component(sessions, 'cloudflare.kvReads')!.monthlyUsd).toBeCloseTo((requests / 1e6 - 10) * usd('cloudflare.kvReads'), 6);
    expect(component(sessions, 'cloudflare.kvWrites')!.monthlyUsd).toBeCloseTo(((dau * DAYS_PER_MONTH) / 1e6 - 1) * usd('cloudflare.kvWrites'), 6);
    const storedGB = (w.mau * w.activeSessionRatio * w.sessionBytes) / 1e9;
    expect(component(sessions, 'cloudflare.kvStorage')!.monthlyUsd).toBeCloseTo(Math.max(0, storedGB - 1) * usd('cloudflare.kvStorage'), 6);
    // The edge-state namespace is listed as not modelled, never a silent $0.
    const state = kv.find((r) => r.path?.endsWith('/edge-state'))!;
    expect(state).toMatchObject({ status: 'priced', monthlyUsd: 0, components: [] });
    expect(state.notModelled).toHaveLength(1);
  });

  it('prices the message archive by its lifecycle: Standard until Infrequent Access, then IA until deleted', () => {
    const archive = ofType('cloudflare_r2_bucket').find((r) => r.path?.endsWith('/archive/bucket'))!;
    // The example states its messages in the environment (its services declare none of their own).
    expect(w.messagesPerDauPerDay).toBeDefined();
    const messagesGB = ((dau * w.messagesPerDauPerDay!) / SECONDS_PER_DAY) * SECONDS_PER_DAY * DAYS_PER_MONTH * (w.messageBytes / 1e9);
    const iaAfter = MESSAGE_TIERS_DAYS.archivedAfter - MESSAGE_TIERS_DAYS.coldAfter;
    const deleteAfter = MESSAGE_TIERS_DAYS.deletedAfter - MESSAGE_TIERS_DAYS.coldAfter;
    expect(component(archive, 'cloudflare.r2Storage')!.monthlyUsd).toBeCloseTo(((messagesGB * iaAfter) / DAYS_PER_MONTH) * usd('cloudflare.r2Storage'), 4);
    expect(component(archive, 'cloudflare.r2InfrequentAccessStorage')!.monthlyUsd).toBeCloseTo(
      ((messagesGB * (deleteAfter - iaAfter)) / DAYS_PER_MONTH) * usd('cloudflare.r2InfrequentAccessStorage'),
      4,
    );
    // The assets bucket's share of user content is not in the workload: listed, not $0 silently.
    const assets = ofType('cloudflare_r2_bucket').find((r) => r.path?.endsWith('/assets/bucket'))!;
    expect(assets.notModelled.map((n) => n.component)).toEqual(['storage ($0.015/GB-month) and operations']);
  });

  it('cites the source of every Cloudflare price it uses', () => {
    for (const key of ['durableObjectsRequests', 'durableObjectsDuration', 'kvReads', 'kvWrites', 'kvStorage', 'r2InfrequentAccessStorage']) {
      const price = CATALOG.prices[`cloudflare.${key}`];
      expect(CATALOG.sources[price.source].url).toMatch(/^https:\/\/developers\.cloudflare\.com\//);
    }
  });
});

describe('every region an environment may run in is priced', () => {
  it('accepts exactly the regions the catalog prices', () => {
    expect([...PRICED_REGIONS].sort()).toEqual(Object.keys(CATALOG.regions).sort());
    expect(PRICED_REGIONS.every((code) => AWS_REGIONS.includes(code))).toBe(true);
  });

  it('refuses a known region the catalog cannot price, with the regions it can (exit 2 at validation)', () => {
    const { problems } = parseEnvironment(`${base('massive').replace('[us-east-1]', '[us-east-1, eu-west-1, me-south-1]')}`, 'environments/test.yaml');
    expect(problems.map(formatProblem)).toEqual([
      `environments/test.yaml: regions[2]: "me-south-1" has no prices in Stagecraft's catalog (cost/price-catalog.json), so its cost cannot be estimated; allowed: ${PRICED_REGIONS.join(', ')}`,
    ]);
    expect(() => environment(base('growth', 'eu-central-1'))).not.toThrow();
  });
});

describe('cost per MAU', () => {
  it('keeps three significant digits, so a cent-level figure is never $0', () => {
    const perMau = 8_531 / 400_000;
    expect(formatUsdPerUnit(perMau)).toBe(`$${Number(perMau.toPrecision(3))}`);
    expect(formatUsdPerUnit(perMau)).not.toBe('$0');
    // Seed 000's $47,300 at 200M MAU: three significant digits after the zeros.
    expect(formatUsdPerUnit(47_300 / 200_000_000)).toMatch(/^\$0\.000\d{3}$/);
    expect(formatUsdPerUnit(0)).toBe('$0');
  });
});
