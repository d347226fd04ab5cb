/** The pure parts of `npm run bench`: summaries of repeated runs, targets, and the table. */

/** Minimum, median and maximum of repeated measurements. */
export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  readonly runs: number;
}

/** Summarizes samples; the median of an even count is the mean of the middle two. */
export function spread(samples: readonly number[]): Spread {
  if (samples.length === 0) throw new Error('spread: no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { min: sorted[0], median, max: sorted[sorted.length - 1], runs: sorted.length };
}

/** What a figure is held against: "below" a limit (a fixed one or a reference's median). */
export interface Goal {
  /** How the goal reads in the table, e.g. "< 400 MB" or "< baseline". */
  readonly text: string;
  /** The limit, in the figure's unit. */
  readonly limit: number;
}

/** One row of the table: a measured figure, what it is compared with, and whether the target is met. */
export interface Row {
  readonly target: string;
  readonly unit: string;
  readonly measured: Spread;
  /** CPU time (user + system) of the measured runs, where it applies: the figure a busy machine does not inflate. */
  readonly cpu?: Spread;
  /** The same-run reference (baseline or floor), when the row has one. */
  readonly reference?: { readonly label: string; readonly spread: Spread; readonly unit: string };
  /** The target; absent for figures reported for information. */
  readonly goal?: Goal;
  readonly note?: string;
}

/** Whether the median meets the goal; undefined when the row has none. */
export function met(row: Row): boolean | undefined {
  return row.goal ? row.measured.median < row.goal.limit : undefined;
}

/** A number in a table cell: whole numbers from 100 up, else three significant digits. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(3)).toString();
}

/** `min / median / max unit`, or the one value when there was one run. */
export function formatSpread(s: Spread, unit: string): string {
  const value = s.runs === 1 ? formatNumber(s.median) : `${formatNumber(s.min)} / ${formatNumber(s.median)} / ${formatNumber(s.max)}`;
  return `${value} ${unit}`.trim();
}

/** The results as a Markdown table: target | measured (min / median / max) | CPU | runs | reference | goal | met. */
export function formatTable(rows: readonly Row[]): string {
  const header = ['target', 'measured (min / median / max)', 'CPU median', 'runs', 'same-run reference (min / median / max)', 'goal', 'met'];
  const cells = rows.map((row) => {
    const verdict = met(row);
    return [
      row.note ? `${row.target} (${row.note})` : row.target,
      formatSpread(row.measured, row.unit),
      row.cpu ? `${formatNumber(row.cpu.median)} ms` : '',
      String(row.measured.runs),
      row.reference ? `${row.reference.label}: ${formatSpread(row.reference.spread, row.reference.unit)}` : '',
      row.goal?.text ?? '',
      verdict === undefined ? '' : verdict ? 'yes' : 'NO',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: readonly string[]) => `| ${c.map((text, i) => text.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

/**
 * Whether synthesis stays linear: the marginal cost per resource of the largest step of a
 * series ÷ that of the smallest step (medians). Linear growth gives about 1; superlinear
 * growth (a cost per resource that rises with size) gives more; a cost that falls as the
 * fixed costs and JIT warm-up are spread over more resources gives less.
 */
export function marginalGrowth(steps: readonly Spread[]): number {
  if (steps.length < 1) throw new Error('marginalGrowth: no steps');
  return steps[steps.length - 1].median / steps[0].median;
}
