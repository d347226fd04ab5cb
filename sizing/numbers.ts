/** Rounding and number formatting shared by the sizing's counts and their reasoning. */
import { formatCount } from '../config/stages';

/** Rounds up, forgiving floating-point dust (45,000 × 2 / 45,000 is 2, not 3). */
export function ceilDiv(numerator: number, denominator: number): number {
  return Math.max(0, Math.ceil(numerator / denominator - 1e-9));
}

/** Numbers in reasoning: thousands separators, up to 3 significant digits below 100. */
export function fmt(value: number): string {
  if (Math.abs(value) >= 100) return formatCount(value);
  return String(Number(value.toPrecision(3)));
}
