import { CATALOG } from '../../cost/catalog';
import { project, run } from '../helpers/cli';

const SHOP = 'name: shop\nstage: traction\nregions: [eu-west-1]\ndomain: shop.example.com\nworkload:\n  mau: 200000\n';
const BARE = 'name: bare\nstage: launch\nregions: [us-east-1]\ndomain: bare.example.com\n';

interface CostDoc {
  catalog: { asOf: string };
  environments: Array<{
    environment: string;
    stage: string;
    mau?: number;
    monthlyUsd: number;
    costPerMauUsd?: number;
    unpricedResources: number;
    source: string;
    seed004MonthlyRange: string;
    stacks: Array<{ stack: string; monthlyUsd: number; notModelled: Array<{ component: string; reason: string }> }>;
  }>;
  byStage: Array<{ stage: string; environments: number; monthlyUsd: number; costPerMauUsd?: number }>;
}

describe('stagecraft cost', () => {
  const root = project({ 'environments/shop.yaml': SHOP, 'environments/bare.yaml': BARE });

  it('synthesizes in-process when there is no synthesis, and prices per stack, environment, stage and MAU', async () => {
    const result = await run(root, 'cost', '--json');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('bare, shop: not in cdktf.out; synthesizing in-process\n');
    const doc = JSON.parse(result.stdout) as CostDoc;
    expect(doc.catalog.asOf).toBe(CATALOG.asOf);
    const shop = doc.environments.find((e) => e.environment === 'shop')!;
    expect(shop).toMatchObject({ stage: 'traction', mau: 200_000, unpricedResources: 0, source: 'in-process synthesis', seed004MonthlyRange: '$200–$500' });
    expect(shop.stacks.map((s) => s.stack)).toEqual(['shop-eu-west-1', 'shop-edge']);
    expect(shop.monthlyUsd).toBeCloseTo(
      shop.stacks.reduce((sum, s) => sum + s.monthlyUsd, 0),
      9,
    );
    expect(shop.costPerMauUsd).toBeCloseTo(shop.monthlyUsd / 200_000, 12);
    expect(doc.byStage.map((s) => s.stage)).toEqual(['launch', 'traction']);
    expect(doc.byStage.find((s) => s.stage === 'traction')).toMatchObject({ environments: 1, monthlyUsd: shop.monthlyUsd });
  });

  it('prices an environment without a workload, leaving usage not modelled and no cost per MAU', async () => {
    const doc = JSON.parse((await run(root, 'cost', '--env', 'bare', '--json')).stdout) as CostDoc;
    const [bare] = doc.environments;
    expect(bare.mau).toBeUndefined();
    expect(bare.costPerMauUsd).toBeUndefined();
    expect(bare.stacks[0].notModelled).toEqual(
      expect.arrayContaining([expect.objectContaining({ component: 'data transfer out to the internet', reason: 'no workload profile' })]),
    );
  });

  it('reads an existing synthesis and prices it exactly like an in-process one', async () => {
    const fresh = JSON.parse((await run(root, 'cost', '--env', 'shop', '--json')).stdout) as CostDoc;
    expect((await run(root, 'synth', '--env', 'shop', '--out', 'build')).code).toBe(0);
    const result = await run(root, 'cost', '--env', 'shop', '--out', 'build', '--json');
    expect(result.stderr).toBe('');
    const read = JSON.parse(result.stdout) as CostDoc;
    expect(read.environments[0].source).toMatch(/build$/);
    expect(read.environments[0].monthlyUsd).toBeCloseTo(fresh.environments[0].monthlyUsd, 9);
  });

  it('prints totals per stack, per environment with the seed 004 range, and per stage', async () => {
    const result = await run(root, 'cost', '--env', 'shop', '--detail');
    expect(result.stdout).toMatch(/^shop \(traction, 200,000 MAU\), stacks read from in-process synthesis$/m);
    expect(result.stdout).toMatch(/^ {2}shop-eu-west-1 +\$[\d,]+\.\d\d$/m);
    expect(result.stdout).toMatch(/^ {2}total +\$[\d,]+\.\d\d a month · \$0\.\d+ per MAU · seed 004 traction: \$200–\$500 \((below|within|above)\)$/m);
    expect(result.stdout).toContain('  unpriced: none\n');
    expect(result.stdout).toMatch(/^by stage:$/m);
    expect(result.stdout).toMatch(/ aws_db_instance\.postgres_primary_/);
  });
});
