/**
 * Error budgets and multi-window burn-rate alarms (Google SRE workbook, "Alerting on SLOs"),
 * computed from the environment's `slo`: a 99.95% target allows 0.05% of a year's requests to
 * fail, 4.38 hours a year. Each window pair pages when the budget burns fast enough to spend
 * `budgetShare` of it within the long window, and is still burning over the short one.
 */

/** An availability objective: share of requests that succeed over a rolling window. */
export interface Slo {
  readonly availabilityPercent: number;
  readonly windowDays: number;
}

export const DEFAULT_SLO_WINDOW_DAYS = 30;
const MINUTES_PER_DAY = 24 * 60;

/** One burn-rate alarm: a long and a short window, and the share of the budget it guards. */
export interface BurnWindow {
  readonly name: 'fast' | 'slow';
  readonly longMinutes: number;
  readonly shortMinutes: number;
  /** Share of the window's budget spent within `longMinutes` that pages. */
  readonly budgetShare: number;
}

/** The workbook's paging pair: 2% of the budget in 1 hour, 5% in 6 hours. */
export const BURN_WINDOWS: readonly BurnWindow[] = [
  { name: 'fast', longMinutes: 60, shortMinutes: 5, budgetShare: 0.02 },
  { name: 'slow', longMinutes: 360, shortMinutes: 30, budgetShare: 0.05 },
];

/** The least error budget an alarm can watch: one standard-resolution CloudWatch period. */
export const MIN_BUDGET_MINUTES = 1;

/** Share of requests allowed to fail: 0.0005 for 99.95%. */
export const errorBudgetRatio = (slo: Slo): number => (100 - slo.availabilityPercent) / 100;

/** Minutes of full outage the window's budget allows. */
export const errorBudgetMinutes = (slo: Slo): number => errorBudgetRatio(slo) * slo.windowDays * MINUTES_PER_DAY;

/** Hours of full outage a year allows at this target: 4.38 for 99.95%. */
export const errorBudgetHoursPerYear = (slo: Pick<Slo, 'availabilityPercent'>): number => ((100 - slo.availabilityPercent) / 100) * 365 * 24;

/** How many times faster than "exactly on budget" the errors arrive when the window pages. */
export const burnRate = (slo: Slo, window: BurnWindow): number => (window.budgetShare * slo.windowDays * MINUTES_PER_DAY) / window.longMinutes;

/** The error ratio (5xx ÷ requests) above which the window's alarms fire. */
export const burnThreshold = (slo: Slo, window: BurnWindow): number => burnRate(slo, window) * errorBudgetRatio(slo);

/** Cross-field problems of an `slo`, as field path → message. */
export function sloProblems(slo: Slo): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  const budget = errorBudgetMinutes(slo);
  if (budget < MIN_BUDGET_MINUTES) {
    problems.push({
      path: 'slo',
      message: `${slo.availabilityPercent}% over ${slo.windowDays} days leaves ${round(budget)} minutes of error budget, less than one minute (CloudWatch's finest standard alarm period), so no alarm could see it; lower availabilityPercent or lengthen windowDays`,
    });
  }
  for (const window of BURN_WINDOWS) {
    const threshold = burnThreshold(slo, window);
    if (threshold >= 1) {
      problems.push({
        path: 'slo',
        message: `${slo.availabilityPercent}% over ${slo.windowDays} days: the ${window.name} burn-rate alarm would need an error ratio of ${round(threshold * 100)}%, which can never happen; raise availabilityPercent or shorten windowDays`,
      });
    }
  }
  return problems;
}

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}
