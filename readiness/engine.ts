/**
 * Evaluates every readiness item over each environment of a synthesis. An environment is ready
 * when no item that applies is missing; `readiness` exits 1 otherwise, like `check`.
 */
import { stackViews, Synthesis } from '../synthesis/stack-views';
import { ALL_ITEMS } from './items';
import { EnvironmentView, ItemOutcome, ItemStatus, ReadinessItem, ReadinessSection } from './types';

/** One item's outcome in one environment. */
export interface ItemResult {
  readonly id: string;
  readonly name: string;
  readonly section: ReadinessSection;
  readonly title: string;
  readonly outcome: ItemOutcome;
}

/** The checklist of one environment. */
export interface EnvironmentReadiness {
  readonly environment: string;
  readonly stage?: string;
  readonly stacks: readonly string[];
  readonly items: readonly ItemResult[];
  readonly counts: Readonly<Record<ItemStatus, number>>;
  /** No applicable item is missing. */
  readonly ready: boolean;
}

/** The environments of a synthesis, each with its stacks. `only` keeps the named ones. */
export function environmentViews(synthesis: Synthesis, only?: readonly string[]): EnvironmentView[] {
  const views = stackViews(synthesis);
  const names = [...new Set(views.map((v) => v.environment).filter((e): e is string => e !== undefined))].sort();
  return names
    .filter((name) => only === undefined || only.includes(name))
    .map((name) => {
      const stacks = views.filter((v) => v.environment === name);
      return { name, stage: stacks.find((s) => s.stage)?.stage, stacks };
    });
}

export function evaluateEnvironment(environment: EnvironmentView, items: readonly ReadinessItem[] = ALL_ITEMS): EnvironmentReadiness {
  const results = items.map((item) => ({ id: item.id, name: item.name, section: item.section, title: item.title, outcome: item.evaluate(environment) }));
  const counts: Record<ItemStatus, number> = { held: 0, missing: 0, 'not-applicable': 0, 'not-infrastructure': 0 };
  for (const r of results) counts[r.outcome.status] += 1;
  return {
    environment: environment.name,
    stage: environment.stage,
    stacks: environment.stacks.map((s) => s.name),
    items: results,
    counts,
    ready: counts.missing === 0,
  };
}

export function evaluateReadiness(synthesis: Synthesis, only?: readonly string[]): EnvironmentReadiness[] {
  return environmentViews(synthesis, only).map((e) => evaluateEnvironment(e));
}

/** The mark of each status, as the text output and the report show it. */
export const STATUS_MARKS: Readonly<Record<ItemStatus, string>> = {
  held: '✓',
  missing: '✗',
  'not-applicable': '–',
  'not-infrastructure': '◇',
};

/** What follows the title: the detail, the gap, why not applicable, or what to do instead. */
export function outcomeText(outcome: ItemOutcome): string {
  switch (outcome.status) {
    case 'held':
      return outcome.detail;
    case 'missing':
      return outcome.message;
    case 'not-applicable':
      return `not applicable: ${outcome.reason}`;
    case 'not-infrastructure':
      return `cannot be held by infrastructure; instead: ${outcome.instead}`;
  }
}
