/**
 * A documented number: its default, unit, allowed range and where the default comes from.
 * Workload defaults and per-unit capacity assumptions are tables of these, so the schema,
 * the sizing code, `stagecraft size --json` and the generated reference (docs/reference/) all read the same entries.
 */
export interface NumericSpec {
  /** The default value; undefined when the field has none (then `defaultText` says what applies). */
  readonly value?: number;
  /** What applies when the field is left out and has no default value, in words. @default none */
  readonly defaultText?: string;
  /** Unit of the value, in words: "connections", "requests/s", "share of MAU". */
  readonly unit: string;
  /** What the number means. */
  readonly description: string;
  /** Where the default comes from: a seed section and its words, "Stagecraft" with the reasoning, or what stands in for it. */
  readonly source: string;
  /** Smallest value an override may take. */
  readonly min: number;
  /** When true, `min` itself is not allowed (e.g. a ratio greater than 0). @default false */
  readonly minExclusive?: boolean;
  /** Largest value an override may take. @default no upper bound */
  readonly max?: number;
  /** Whole numbers only. @default false */
  readonly integer?: boolean;
}

/** The allowed range in words: "greater than 0 and at most 1", "a whole number, at least 1". */
export function describeRange(spec: Pick<NumericSpec, 'min' | 'minExclusive' | 'max' | 'integer'>): string {
  const lower = spec.minExclusive ? `greater than ${spec.min}` : `at least ${spec.min}`;
  let range: string;
  if (spec.max === undefined) range = lower;
  else if (!spec.minExclusive) range = `from ${spec.min} to ${spec.max}`;
  else range = `${lower} and at most ${spec.max}`;
  return spec.integer ? `a whole number, ${range}` : range;
}

/** True when `value` lies in the spec's range. */
export function inRange(spec: Pick<NumericSpec, 'min' | 'minExclusive' | 'max' | 'integer'>, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  if (spec.integer && !Number.isInteger(value)) return false;
  if (spec.minExclusive ? value <= spec.min : value < spec.min) return false;
  return spec.max === undefined || value <= spec.max;
}

/** The default in words, for tables and descriptions: as is when short, else to four significant digits. */
export function describeSpecDefault(spec: Pick<NumericSpec, 'value' | 'defaultText'>): string {
  if (spec.value === undefined) return spec.defaultText ?? 'none';
  const short = Number(spec.value.toPrecision(4));
  return short === spec.value ? String(spec.value) : `≈ ${short}`;
}
