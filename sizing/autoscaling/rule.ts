/**
 * What every autoscaling rule shares. A rule is declarative: seed defaults, the stages it
 * applies to, and a resolver that merges the environment's `autoscaling.<key>` overrides into
 * a resolved range the constructs render (Application Auto Scaling, node group scaling config,
 * the cluster autoscaler's flags). Rules report FieldProblems (config/errors.ts), all at once;
 * `sizing/` adds the file (exit 2). Their config-time checks are in `config/autoscaling.ts`.
 */

/** A target-tracking policy: keep a metric at `targetPercent`, with cooldowns in seconds. */
export interface TargetTracking {
  readonly targetPercent: number;
  readonly scaleOutCooldownSeconds: number;
  readonly scaleInCooldownSeconds: number;
}
