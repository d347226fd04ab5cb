/**
 * A worker's queue rule (issue 18): pods = the backlog of the topics it consumes ÷ the backlog one
 * pod carries, within its range. Metrics-server serves only CPU and memory and no adapter serves
 * external metrics, so no HPA can follow it: the region's queue-scaler
 * (services/platform/queue-scaler.ts) reads the backlog from CloudWatch and sets the Deployment's
 * scale with the same tolerance and scale-down stabilization an HPA uses. The behaviours below are
 * what it enforces.
 */
import { BacklogTarget, HPA_TOLERANCE, KUBERNETES_SCALE_UP, PodScalingRule, ScalingBehavior } from './pod-rule';

/** Scale-down: the highest recommendation of the last 5 minutes (Kubernetes' default window). */
export const QUEUE_SCALE_DOWN: ScalingBehavior = { stabilizationSeconds: 300, percent: 100, pods: 4, periodSeconds: 15 };
/** Seconds between two readings of the backlog (CloudWatch publishes both brokers' metrics each minute). */
export const QUEUE_SCALER_INTERVAL_SECONDS = 30;
/** The queue-scaler leaves the count alone while the backlog per pod is within this share of its target. */
export const QUEUE_TOLERANCE = HPA_TOLERANCE;

export function queueRule(service: string, range: { min: number; max: number; source: string }, backlog: BacklogTarget): PodScalingRule {
  return {
    service,
    min: range.min,
    max: range.max,
    rangeSource: range.source,
    metrics: [],
    backlog,
    scaleUp: KUBERNETES_SCALE_UP,
    scaleDown: QUEUE_SCALE_DOWN,
  };
}
