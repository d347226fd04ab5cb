/** The pure parts of `npm run bench`: statistics, the verdict, the table, and the scaling environments. */
import { formatNumber, marginalGrowth, formatSpread, formatTable, met, Row, spread } from '../../bench/stats';
import { hyperscaleAt, massiveAt, SERIES_REGIONS } from '../../bench/scaling';
import { parseEnvironment } from '../../config/load';

describe('spread', () => {
  it('gives the minimum, the median and the maximum whatever the order', () => {
    expect(spread([5, 1, 3])).toEqual({ min: 1, median: 3, max: 5, runs: 3 });
  });

  it('takes the mean of the middle two as the median of an even count', () => {
    expect(spread([4, 1, 2, 10])).toEqual({ min: 1, median: 3, max: 10, runs: 4 });
  });

  it('refuses an empty list', () => {
    expect(() => spread([])).toThrow('spread: no samples');
  });
});

describe('met', () => {
  const row = (median: number, limit?: number): Row => ({
    target: 't',
    unit: 'ms',
    measured: spread([median]),
    goal: limit === undefined ? undefined : { text: `< ${limit}`, limit },
  });

  it('holds the median strictly below the limit', () => {
    expect([met(row(299, 300)), met(row(300, 300)), met(row(301, 300))]).toEqual([true, false, false]);
  });

  it('has no verdict for a figure without a goal', () => {
    expect(met(row(5))).toBeUndefined();
  });
});

describe('formatting', () => {
  it('rounds from 100 up and keeps three significant digits below', () => {
    expect([formatNumber(12345.6), formatNumber(123.4), formatNumber(1.23456), formatNumber(0.012345)]).toEqual(['12,346', '123', '1.23', '0.0123']);
  });

  it('prints min / median / max, or the single value of one run', () => {
    expect(formatSpread(spread([3, 1, 2]), 'ms')).toBe('1 / 2 / 3 ms');
    expect(formatSpread(spread([2]), 'MB')).toBe('2 MB');
  });

  it('lays the rows out as a Markdown table with aligned columns', () => {
    const rows: Row[] = [
      {
        target: 'synth',
        unit: 'ms',
        measured: spread([900, 1000, 1100]),
        cpu: spread([700, 800, 900]),
        reference: { label: 'baseline', spread: spread([2000, 2100, 2200]), unit: 'ms' },
        goal: { text: '< baseline median', limit: 2100 },
      },
      { target: 'size', unit: 'ms', measured: spread([400]), goal: { text: '< 300 ms', limit: 300 }, note: 'busy machine' },
      { target: 'info only', unit: 'MB', measured: spread([1, 2]) },
    ];
    const lines = formatTable(rows).split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(
      /^\| target +\| measured \(min \/ median \/ max\) \| CPU median \| runs \| same-run reference \(min \/ median \/ max\) +\| goal +\| met \|$/,
    );
    expect(lines[1]).toMatch(/^\|-+\|-+\|-+\|-+\|-+\|-+\|-+\|$/);
    expect(lines[2]).toContain('| 900 / 1,000 / 1,100 ms');
    expect(lines[2]).toContain('| 800 ms ');
    expect(lines[2]).toContain('| baseline: 2,000 / 2,100 / 2,200 ms');
    expect(lines[2]).toMatch(/\| yes \|$/);
    expect(lines[3]).toMatch(/^\| size \(busy machine\) +\| 400 ms +\| +\| 1 +\|/);
    expect(lines[3]).toMatch(/\| NO {2}\|$/);
    expect(lines[4]).toMatch(/\| 1 \/ 1\.5 \/ 2 MB +\| +\| 2 +\| +\| +\| +\|$/);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });
});

describe('marginalGrowth', () => {
  it('is the median marginal cost of the last step over that of the first', () => {
    expect(marginalGrowth([spread([2]), spread([1, 9]), spread([3, 5])])).toBe(2);
    expect(marginalGrowth([spread([4]), spread([2])])).toBe(0.5);
  });

  it('needs a step', () => {
    expect(() => marginalGrowth([])).toThrow('marginalGrowth: no steps');
  });
});

describe('scaling environments', () => {
  it.each([3, 5, 8])('massive at %i regions is a valid environment with that many regions', (regions) => {
    const { environment, problems } = parseEnvironment(massiveAt(regions).yaml, 'bench.yaml');
    expect(problems).toEqual([]);
    expect(environment!.stage).toBe('massive');
    expect(environment!.regions.map((r) => r.code)).toEqual(SERIES_REGIONS.slice(0, regions));
  });

  it.each([16, 80, 256])('hyperscale at %i shards is a valid environment with that many shards', (shards) => {
    const { environment, problems } = parseEnvironment(hyperscaleAt(shards).yaml, 'bench.yaml');
    expect(problems).toEqual([]);
    expect(environment!.stage).toBe('hyperscale');
    expect(environment!.config.database?.shards).toBe(shards);
  });

  it('has no more regions than it lists', () => {
    expect(() => massiveAt(SERIES_REGIONS.length + 1)).toThrow(`massiveAt: 1 to ${SERIES_REGIONS.length} regions; received ${SERIES_REGIONS.length + 1}`);
  });
});
