/**
 * The cost section's plug-in point: anything that prices two syntheses. The CLI uses the price
 * catalog (catalog-cost.ts); without an estimator the report says so and its JSON has `cost: null`.
 */
import { Synthesis } from '../synthesis/stack-views';
import { CostDelta } from './types';

/** Prices two syntheses of the same environments and returns the monthly difference. */
export interface CostEstimator {
  /** Shown in the report: where the prices come from. */
  readonly source: string;
  estimate(base: Synthesis, head: Synthesis): CostDelta;
}

/** What the report prints when no estimator is given. */
export const NO_COST_CATALOG = 'not available (no cost estimator given)';
