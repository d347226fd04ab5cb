/** The six growth stages, in order, with the MAU ceilings of seed 004. */
export const STAGES = ['launch', 'traction', 'growth', 'scale', 'hyperscale', 'massive'] as const;

export type Stage = (typeof STAGES)[number];

/**
 * Upper MAU bound of each stage (seed 004, "Growth Stages Overview": launch 0–10K, traction
 * 10K–500K, growth 500K–5M, scale 5M–10M, hyper-scale 10M–50M, massive 50M–100M+); massive has
 * none. A bound belongs to the lower stage: 10,000 MAU is launch, 10,001 is traction.
 */
export const STAGE_MAU_CEILING: Readonly<Record<Stage, number>> = {
  launch: 10_000,
  traction: 500_000,
  growth: 5_000_000,
  scale: 10_000_000,
  hyperscale: 50_000_000,
  massive: Number.POSITIVE_INFINITY,
};

export function stageIndex(stage: Stage): number {
  return STAGES.indexOf(stage);
}

/** True when `stage` is `from` or any later stage. */
export function isAtLeast(stage: Stage, from: Stage): boolean {
  return stageIndex(stage) >= stageIndex(from);
}

/** Stages that run every service on EC2 hosts with docker compose. */
export function isSingleHostStage(stage: Stage): boolean {
  return !isAtLeast(stage, 'growth');
}

/** The stage whose seed 004 MAU range holds `mau`. */
export function stageForMau(mau: number): Stage {
  return STAGES.find((stage) => mau <= STAGE_MAU_CEILING[stage]) ?? 'massive';
}

/** The stage after `stage`, or undefined after massive. */
export function nextStage(stage: Stage): Stage | undefined {
  return STAGES[stageIndex(stage) + 1];
}

/** Lower MAU bound of a stage's range: the ceiling of the stage before it (0 for launch). */
export function stageMauFloor(stage: Stage): number {
  const index = stageIndex(stage);
  return index === 0 ? 0 : STAGE_MAU_CEILING[STAGES[index - 1]];
}

/** `10,000` style thousands separators, for messages. */
export function formatCount(value: number): string {
  return formatNumber(Math.round(value));
}

/** The seed 004 range of a stage in words: "≤ 10,000", "10,000–500,000", "above 50,000,000". */
export function describeStageRange(stage: Stage): string {
  const ceiling = STAGE_MAU_CEILING[stage];
  if (stage === 'launch') return `up to ${formatCount(ceiling)} MAU`;
  if (!Number.isFinite(ceiling)) return `above ${formatCount(stageMauFloor(stage))} MAU`;
  return `${formatCount(stageMauFloor(stage))}–${formatCount(ceiling)} MAU`;
}

/**
 * `1234567.891` → `"1,234,567.89"` with `fractionDigits` 2: what `toLocaleString('en-US')` prints
 * (rounding half away from zero on the number's shortest decimal form), without it. The first
 * `toLocaleString` starts ICU, a tenth of a `cost` run's time. Values from 1e21 up print in exponent form.
 */
export function formatNumber(value: number, fractionDigits = 0): string {
  const [whole, fraction] = roundDecimal(Math.abs(value), fractionDigits).split('.');
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  return `${sign}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction === undefined ? '' : `.${fraction}`}`;
}

function roundDecimal(value: number, digits: number): string {
  const text = String(value);
  if (text.includes('e')) return value.toFixed(digits);
  const [whole, fraction = ''] = text.split('.');
  if (fraction.length <= digits) return digits === 0 ? whole : `${whole}.${fraction.padEnd(digits, '0')}`;
  const rounded = (BigInt(whole + fraction.slice(0, digits)) + (fraction[digits] >= '5' ? 1n : 0n)).toString().padStart(digits + 1, '0');
  return digits === 0 ? rounded : `${rounded.slice(0, -digits)}.${rounded.slice(-digits)}`;
}
