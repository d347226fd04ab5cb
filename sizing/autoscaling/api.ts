/** The API pods' autoscaling rule: keep CPU at 70% (seed 002 §10, the sizing's `apiScaleAtUtilization`). */
import { KUBERNETES_SCALE_UP, PodScalingRule, ScalingBehavior } from './pod-rule';

export const API_DEFAULTS = { cpuTargetPercent: 70 } as const;

/** Kubernetes' default scale-down: the highest recommendation of 5 minutes, no rate limit. */
export const API_SCALE_DOWN: ScalingBehavior = { stabilizationSeconds: 300, percent: 100, pods: 4, periodSeconds: 15 };

export function apiRule(service: string, range: { min: number; max: number; source: string }, cpuTargetPercent: number): PodScalingRule {
  return {
    service,
    min: range.min,
    max: range.max,
    rangeSource: range.source,
    metrics: [{ kind: 'cpu', targetPercent: cpuTargetPercent }],
    scaleUp: KUBERNETES_SCALE_UP,
    scaleDown: API_SCALE_DOWN,
  };
}

/** A worker's plain CPU rule, with the range its catalog entry (or the environment) gives. */
export function cpuRule(service: string, range: { min: number; max: number; source: string }, cpuTargetPercent: number): PodScalingRule {
  return { ...apiRule(service, range, cpuTargetPercent) };
}
