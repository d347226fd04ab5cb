/**
 * The shapes of production readiness (seed 004's closing checklist, issue 17). An item is pure:
 * it reads one environment's synthesized stacks, never its YAML, and says whether the stacks
 * hold it, so what `readiness` reports is what `cdktf deploy` would apply.
 */
import { Stage } from '../config/stages';
import { StackView } from '../synthesis/stack-views';

export type { StackView };

/** The checklist's sections, in seed 004's order. */
export const READINESS_SECTIONS = ['performance', 'data-integrity', 'resilience', 'observability'] as const;
export type ReadinessSection = (typeof READINESS_SECTIONS)[number];

/** One environment's stacks, as items read them. */
export interface EnvironmentView {
  readonly name: string;
  readonly stage?: Stage;
  /** Every stack of the environment: regional, apps and edge. */
  readonly stacks: readonly StackView[];
}

/** What an item concluded about one environment. */
export type ItemOutcome =
  /** ✓: the stacks hold the item; `detail` says how (and e.g. the expected failover time). */
  | { readonly status: 'held'; readonly detail: string }
  /** ✗: the item applies at this stage and the stacks do not hold it. */
  | { readonly status: 'missing'; readonly message: string }
  /** The stage does not have what the item is about (no load balancer, no replica). */
  | { readonly status: 'not-applicable'; readonly reason: string }
  /** No infrastructure can hold it; `instead` is what the team must do. */
  | { readonly status: 'not-infrastructure'; readonly instead: string };

export type ItemStatus = ItemOutcome['status'];

/** One checklist item: one file under readiness/items/. */
export interface ReadinessItem {
  /** `RDY-<n>`, stable across releases. */
  readonly id: string;
  /** The item's file name: `ReplicationLagAlarms`. */
  readonly name: string;
  readonly section: ReadinessSection;
  /** The checklist line, in seed 004's words. */
  readonly title: string;
  evaluate(environment: EnvironmentView): ItemOutcome;
}

export const held = (detail: string): ItemOutcome => ({ status: 'held', detail });
export const missing = (message: string): ItemOutcome => ({ status: 'missing', message });
export const notApplicable = (reason: string): ItemOutcome => ({ status: 'not-applicable', reason });
export const notInfrastructure = (instead: string): ItemOutcome => ({ status: 'not-infrastructure', instead });

/** Several findings of one item: missing when any part is missing, else held with every detail. */
export function combine(parts: readonly ItemOutcome[], none: ItemOutcome): ItemOutcome {
  if (parts.length === 0) return none;
  const gaps = parts.filter((p): p is Extract<ItemOutcome, { status: 'missing' }> => p.status === 'missing');
  if (gaps.length > 0) return missing(gaps.map((g) => g.message).join('; '));
  const details = parts.filter((p): p is Extract<ItemOutcome, { status: 'held' }> => p.status === 'held').map((p) => p.detail);
  return details.length > 0 ? held(details.join('; ')) : parts[0];
}
