import { formatCount, formatNumber } from '../../config/stages';

// ICU's own output is the reference: formatNumber must print exactly what toLocaleString('en-US') does.
const icu = (value: number, digits: number) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

describe('formatNumber', () => {
  const values = [0, -0, 1, 12, 123, 1234, 1234567.891, -1234.5, 0.005, 1.005, 2.675, -0.001, 999999.999, 77828.4, 1e9 + 0.125, 0.125, -2.5, 1e-7, 19208.3249];

  it.each([0, 2])('prints what toLocaleString("en-US") prints, with %i fraction digits', (digits) => {
    expect(values.map((v) => formatNumber(v, digits))).toEqual(values.map((v) => icu(v, digits)));
  });

  it('agrees with toLocaleString on many pseudo-random amounts', () => {
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const amounts = Array.from({ length: 5000 }, () => Math.round((next() - 0.3) * 10 ** Math.floor(next() * 12) * 1000) / 1000);
    const differing = amounts.filter((v) => formatNumber(v, 2) !== icu(v, 2) || formatNumber(v) !== icu(v, 0));
    expect(differing).toEqual([]);
  });

  it('rounds counts before grouping them', () => {
    expect(formatCount(2_400_000.4)).toBe(icu(Math.round(2_400_000.4), 0));
  });
});
