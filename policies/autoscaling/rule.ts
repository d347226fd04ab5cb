/**
 * What every autoscaling rule shares. A rule is declarative: seed defaults, the stages it
 * applies to, and a resolver that merges the environment's `autoscaling.<key>` overrides into
 * a resolved range the constructs render (Application Auto Scaling, node group scaling config,
 * the cluster autoscaler's flags). Rules report problems as `[field path, message]` pairs, all
 * at once; `config/` and `sizing/` turn them into `<file>: <path>: <message>` (exit 2).
 */
import type { EnvironmentConfig } from '../../config/schema';
import type { Stage } from '../../config/stages';

/** One problem: the field path it is about, and what is wrong, allowed and received. */
export type RuleProblem = readonly [path: string, message: string];

/** A target-tracking policy: keep a metric at `targetPercent`, with cooldowns in seconds. */
export interface TargetTracking {
  readonly targetPercent: number;
  readonly scaleOutCooldownSeconds: number;
  readonly scaleInCooldownSeconds: number;
}

/** What a rule's config-time check sees: the validated file and its stage. */
export interface RuleContext {
  readonly config: EnvironmentConfig;
  readonly stage: Stage;
}

/** `min (5) must not exceed max (3)` at `path` when both are set and out of order. */
export function orderProblem(path: string, min: number | undefined, max: number | undefined, names: readonly [string, string] = ['min', 'max']): RuleProblem[] {
  return min !== undefined && max !== undefined && min > max ? [[path, `${names[0]} (${min}) must not exceed ${names[1]} (${max})`]] : [];
}

/** Fields of a rule that only apply when it runs: each is a problem once `enabled: false`. */
export function disabledFieldProblems(path: string, rule: Readonly<Record<string, unknown>> | undefined): RuleProblem[] {
  if (rule?.enabled !== false) return [];
  return Object.keys(rule)
    .filter((key) => key !== 'enabled' && rule[key] !== undefined)
    .map((key): RuleProblem => [`${path}.${key}`, `applies only when the rule runs; remove it or set ${path}.enabled: true`]);
}
