/**
 * The websocket gateway's autoscaling rule, seed 002 §10:
 *
 *   scale up   when CPU > 70%  OR  connections > 45,000 per pod
 *   scale down when CPU < 40%  AND connections < 30,000 per pod
 *   200–500 pods at 1B users (here: the range the sizing derives for the workload)
 *
 * How it maps onto a HorizontalPodAutoscaler v2, and where the mapping is not exact:
 *
 * - OR on scale-up is native: the HPA computes a pod count for each metric
 *   (ceil(pods × value / target)) and takes the largest, so either metric above its target
 *   adds pods. Targets: CPU 70% (Resource metric), `websocket_connections` 45,000 per pod
 *   (Pods metric, served by a custom metrics adapter such as prometheus-adapter).
 * - AND on scale-down is native too, for the same reason: the largest proposal wins, so the
 *   HPA removes pods only when every metric asks for fewer.
 * - The lower thresholds (40% and 30,000) are not: an HPA has one target per metric and
 *   scales down as soon as every metric is more than its tolerance (10%) below target, i.e.
 *   below 63% CPU and 40,500 connections per pod (`effectiveScaleDownThresholds`). What keeps
 *   it from flapping between 63% and 70% is the scale-down behavior: a 10-minute stabilization
 *   window (the highest recommendation of the last 10 minutes is used, so a dip must last)
 *   and at most 10% of the pods removed per minute (each removed pod drops its connections,
 *   which reconnect to the others). Scaling down exactly below 40% AND 30,000 needs the
 *   gateway to export one more Pods metric (e.g. `websocket_scale_down_hold`: 1 while its CPU ≥
 *   40% or its connections ≥ 30,000) with target 1, which holds the count while any pod
 *   reports 1; that metric does not exist yet (docs/known-limits.md).
 */
import { WebsocketThresholds } from '../../config/autoscaling';
import { HPA_TOLERANCE, KUBERNETES_SCALE_UP, PodScalingRule, ScalingBehavior } from './pod-rule';

/** The name of the per-pod connections metric the gateway exports. */
export const CONNECTIONS_METRIC = 'websocket_connections';

/** Remove at most 10% of the gateways a minute, after a 10-minute stable dip. */
export const WEBSOCKET_SCALE_DOWN: ScalingBehavior = { stabilizationSeconds: 600, percent: 10, pods: 1, periodSeconds: 60 };

/** The levels below which the HPA actually removes pods (target × (1 − tolerance)). */
export function effectiveScaleDownThresholds(t: WebsocketThresholds): { cpuPercent: number; connectionsPerPod: number } {
  return {
    cpuPercent: t.scaleUpCpuPercent * (1 - HPA_TOLERANCE),
    connectionsPerPod: t.scaleUpConnectionsPerPod * (1 - HPA_TOLERANCE),
  };
}

export function websocketGatewayRule(service: string, range: { min: number; max: number; source: string }, thresholds: WebsocketThresholds): PodScalingRule {
  const effective = effectiveScaleDownThresholds(thresholds);
  return {
    service,
    min: range.min,
    max: range.max,
    rangeSource: range.source,
    metrics: [
      { kind: 'cpu', targetPercent: thresholds.scaleUpCpuPercent },
      { kind: 'pods', metric: CONNECTIONS_METRIC, targetAverage: thresholds.scaleUpConnectionsPerPod },
    ],
    scaleUp: KUBERNETES_SCALE_UP,
    scaleDown: WEBSOCKET_SCALE_DOWN,
    notes: {
      'stagecraft.io/scale-down-rule': `CPU < ${thresholds.scaleDownCpuPercent}% AND ${CONNECTIONS_METRIC} < ${thresholds.scaleDownConnectionsPerPod} per pod`,
      'stagecraft.io/scale-down-enforced': `CPU < ${effective.cpuPercent}% AND ${CONNECTIONS_METRIC} < ${effective.connectionsPerPod} per pod for ${WEBSOCKET_SCALE_DOWN.stabilizationSeconds} s, at most ${WEBSOCKET_SCALE_DOWN.percent}% of pods per ${WEBSOCKET_SCALE_DOWN.periodSeconds} s`,
    },
  };
}
