/**
 * Active-passive Postgres (issue 18): the standby region's copy is priced whole, and so is
 * keeping it in step: the rows the workload writes cross from the writer region (RDS cross-region
 * standby, Aurora Global Database secondaries), plus Aurora's replicated write I/O. Expected
 * amounts come from the workload's own figures and the catalog's prices, multiplied out here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOG } from '../../cost/catalog';
import { environmentUsage, priceSizedEnvironment, priceStack } from '../../cost/estimate';
import { sizeEnvironments, SizedEnvironment } from '../../sizing/blueprint';
import { DAYS_PER_MONTH, SECONDS_PER_DAY } from '../../sizing/demand';
import { RegionUsage } from '../../sizing/usage';
import { StackJson } from '../../synthesis/stack-views';
import { EXAMPLES_ROOT, ExampleSynthesis, synthesizeYaml } from '../helpers/examples';

const interRegion = CATALOG.prices['transfer.interRegion'].usd!;
const auroraIo = CATALOG.prices['aurora.io'].usd!;
const auroraStorage = CATALOG.prices['aurora.storage'].usd!;
const multiplier = (region: string) => CATALOG.regions[region].multiplier;
const SECONDS_PER_MONTH = SECONDS_PER_DAY * DAYS_PER_MONTH;

/** The growth example in two regions, active-passive: an RDS primary in us-east-1, its cross-region standby in us-west-2. */
const YAML = readFileSync(join(EXAMPLES_ROOT, 'environments', 'growth.yaml'), 'utf8')
  .replace(/^name: acme-growth$/m, 'name: ap-growth')
  .replace(/^regions: \[us-east-1\]$/m, 'regions: [us-east-1, us-west-2]')
  .replace(/^ {2}cloudflarePlan: pro$/m, '  cloudflarePlan: pro\n  addons: [loadBalancing]')
  .concat('components:\n  regions: { mode: active-passive }\n');

let synthesis: ExampleSynthesis;
let sized: SizedEnvironment;
let usage: RegionUsage;

beforeAll(() => {
  synthesis = synthesizeYaml(YAML);
  [sized] = sizeEnvironments(synthesis.environments);
  usage = environmentUsage(sized)!;
}, 600_000);

/** The bytes and Aurora write I/Os the workload writes a month, from its demand and workload figures. */
function writes(): { gb: number; ios: number } {
  const demand = sized.report.derived!.demand;
  const w = sized.report.workload!;
  const rowWrites = demand.averageRps * w.writesPerRequest;
  const bytes = demand.averageMessagesPerSecond * w.messageBytes + rowWrites * w.userRowBytes;
  const ios =
    (demand.averageMessagesPerSecond / w.writeBatchSize) * Math.ceil((w.writeBatchSize * w.messageBytes) / 4096) + rowWrites * Math.ceil(w.userRowBytes / 4096);
  return { gb: (bytes * SECONDS_PER_MONTH) / 1e9, ios: ios * SECONDS_PER_MONTH };
}

describe('active-passive Postgres', () => {
  it('every region holds the whole database, and nothing is priced on a peering that replication does not use', () => {
    expect(usage.databaseGB).toBeCloseTo(sized.report.derived!.demand.databaseBytes / 1e9, 6);
    expect(usage.interRegionGB).toBe(0);
    expect(usage.postgresStandby).toEqual({ writerRegion: 'us-east-1', writeGB: expect.any(Number), writeIos: expect.any(Number) });
    expect(usage.postgresStandby!.writeGB).toBeCloseTo(writes().gb, 6);
    expect(usage.postgresStandby!.writeIos).toBeCloseTo(writes().ios, 0);
  });

  it("prices the RDS standby's replication from the writer region at the writer region's rate, and lists its WAL overhead as not modelled", () => {
    const stacks = synthesis.summaries.map((s) => ({ name: s.name, json: synthesis.stack(s.name) as StackJson }));
    const cost = priceSizedEnvironment(sized, stacks);
    expect(cost.unpricedResources).toBe(0);
    const standbyStack = cost.stacks.find((s) => s.stack === 'ap-growth-us-west-2')!;
    const standby = standbyStack.resources.filter(
      (r) => r.type === 'aws_db_instance' && r.components.some((c) => c.description.includes('cross-region standby')),
    );
    expect(standby).toHaveLength(1);
    const replication = standby[0].components.find((c) => c.description.includes('of replication from us-east-1'))!;
    expect(replication.monthlyUsd).toBeCloseTo(writes().gb * (interRegion * multiplier('us-east-1')), 6);
    expect(standby[0].notModelled.map((n) => n.component)).toContain('write-ahead log beyond the rows written (indexes, full-page writes)');
    // The writer's own instances replicate nothing across regions.
    const writer = cost.stacks.find((s) => s.stack === 'ap-growth-us-east-1')!;
    expect(writer.resources.flatMap((r) => r.components).filter((c) => c.description.includes('of replication from'))).toEqual([]);
  });

  it("prices each Aurora Global Database secondary's share of the replication and of the replicated write I/O", () => {
    const secondary = (name: string) => ({ cluster_identifier: name, engine: 'aurora-postgresql', global_cluster_identifier: 'global-0' });
    const json: StackJson = {
      provider: { aws: [{ region: 'eu-west-1' }] },
      resource: { aws_rds_cluster: { shard0: secondary('shard-0'), shard1: secondary('shard-1') } },
    };
    const stack = priceStack('secondaries', json, { usage });
    const m = multiplier('eu-west-1');
    for (const cluster of stack.resources) {
      expect(cluster.components.map((c) => c.monthlyUsd)).toEqual([
        (writes().gb / 2) * (interRegion * multiplier('us-east-1')),
        (usage.postgresStandby!.writeIos / 2 / 1e6) * (auroraIo * m),
        (usage.databaseGB / 2) * (auroraStorage * m),
      ]);
    }
  });

  it('lists the replication as not modelled without a workload', () => {
    const json: StackJson = {
      provider: { aws: [{ region: 'eu-west-1' }] },
      resource: { aws_rds_cluster: { shard0: { cluster_identifier: 'shard-0', global_cluster_identifier: 'global-0' } } },
    };
    const stack = priceStack('secondaries', json);
    expect(stack.notModelled.map((n) => n.component)).toContain('replication from the writer region ($0.02/GB between regions)');
  });
});
