import { project, run } from '../helpers/cli';

const SHOP = 'name: shop\nstage: traction\nregions: [eu-west-1]\ndomain: shop.example.com\nworkload:\n  mau: 450000\n';

describe('stagecraft advise --metrics', () => {
  it('prints the fired rows with the action, how to take it here and what not to do, then the graduation', async () => {
    const root = project({
      'environments/shop.yaml': SHOP,
      'm.json': JSON.stringify({ appCpuPercent: 91, db: { readCpuPercent: 40, writeCpuPercent: 35 }, cacheHitRatio: 0.93, p95LatencyMs: 240 }),
    });
    const result = await run(root, 'advise', '--env', 'shop', '--metrics', 'm.json');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      [
        '  FIRES  CPU > 80% on app server    app CPU 91%',
        '         do:    Add more app servers — in Stagecraft: set compute.hosts: 2',
        "         don't: Increase server size (hits ceiling)",
        '  holds  DB CPU > 70% on reads      DB read CPU 40%',
      ].join('\n'),
    );
    expect(result.stdout).toContain('    -    Deploy conflicts > 2/week  not observed\n');
    expect(result.stdout).toContain(
      "graduation: stay in traction, prepare growth\n  - MAU 450,000 is 90% of traction's ceiling of 500,000: plan the move before the ceiling\n",
    );
  });

  it('works from the metrics file alone when it names the stage and MAU', async () => {
    const root = project({ 'm.json': JSON.stringify({ stage: 'growth', mau: 6_000_000, largestTableRows: 900_000_000 }) });
    const doc = JSON.parse((await run(root, 'advise', '--metrics', 'm.json', '--json')).stdout);
    expect(doc.rules.find((r: { id: string }) => r.id === 'table-rows')).toMatchObject({
      status: 'fires',
      action: 'Archive or shard',
      dont: "Add indexes (won't scale)",
    });
    expect(doc.graduation).toMatchObject({ verdict: 'move', from: 'growth', to: 'scale' });
  });

  it.each([
    [{ stage: 'growth', cacheHitRatio: 92 }, 'm.json: cacheHitRatio: must be from 0 to 1 (a share: 0.92 means 92% of lookups hit); received number 92'],
    [{ stage: 'growth', appCpuPercent: 120 }, 'm.json: appCpuPercent: must be from 0 to 100 (app server CPU, in percent); received number 120'],
    [
      { stage: 'growth', db: { readCpuPercent: -1 } },
      'm.json: db.readCpuPercent: must be from 0 to 100 (database CPU spent on reads, in percent); received number -1',
    ],
    [{ stage: 'growth', queueDepthTrend: 'up' }, 'm.json: queueDepthTrend: "up" is not a trend; allowed: growing, steady, shrinking'],
    [{ stage: 'growth', largestTableRows: 1.5 }, 'm.json: largestTableRows: must be a whole number, at least 0 (rows); received number 1.5'],
    [
      { stage: 'growth' },
      'm.json: (root): has no signals; give at least one of appCpuPercent, db, cacheHitRatio, queueDepthTrend, largestTableRows, p95LatencyMs, deployConflictsPerWeek, thirdPartyP95Ms',
    ],
    [{ appCpuPercent: 50 }, 'm.json: stage: is required without --env (the stage the signals come from)'],
  ])('exits 2 on %j with the exact message', async (metrics, message) => {
    const root = project({ 'm.json': JSON.stringify(metrics) });
    expect(await run(root, 'advise', '--metrics', 'm.json')).toEqual({ code: 2, stdout: '', stderr: `${message}\n` });
  });

  it('rejects unknown keys, JSON it cannot parse, and missing inputs', async () => {
    const root = project({ 'k.json': '{"cpu": 50}', 'bad.json': '{"appCpuPercent": ' });
    const unknown = await run(root, 'advise', '--metrics', 'k.json');
    expect(unknown.stderr).toMatch(/^k\.json: \(root\): unknown key "cpu"; allowed keys: stage, mau, appCpuPercent, db, /);
    expect((await run(root, 'advise', '--metrics', 'bad.json')).stderr).toMatch(/^bad\.json: \(root\): is not valid JSON \(/);
    expect(await run(root, 'advise')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'stagecraft advise: arguments: give --metrics <file.json>, or --env <name-or-path> with --from-cloudwatch\n',
    });
    expect(await run(root, 'advise', '--from-cloudwatch')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'stagecraft advise: arguments: --from-cloudwatch needs --env <name-or-path>: the environment says which metrics to read\n',
    });
  });
});
