/**
 * EKS node groups, scaled by the Kubernetes cluster autoscaler.
 *
 * The node range itself (min/max/desired) is `compute.nodes`, sized by `sizing/` from the
 * workload or the stage profile (seed 004: 2–3 app servers on growth, 3+ on scale); Terraform
 * writes it into the node group's scaling config and leaves `desired_size` to the autoscaler.
 * This rule holds how the autoscaler moves inside that range.
 */
import type { RuleContext } from '../../config/autoscaling';

/** How the cluster autoscaler picks a node group to grow. */
export const EXPANDERS = ['least-waste', 'most-pods', 'random'] as const;
export type Expander = (typeof EXPANDERS)[number];

/** The cluster autoscaler's behaviour, resolved. */
export interface NodeAutoscalingBehaviour {
  /** A node whose pods request less than this share of it may be removed. */
  readonly scaleDownUtilizationThreshold: number;
  /** How long a node stays under the threshold before it is removed. */
  readonly scaleDownUnneededMinutes: number;
  readonly expander: Expander;
}

/** The node group rule, resolved: the range from the Blueprint and the autoscaler's behaviour. */
export interface NodeGroupScaling extends NodeAutoscalingBehaviour {
  readonly min: number;
  readonly max: number;
  readonly desired: number;
}

export const NODE_GROUP_DEFAULTS: NodeAutoscalingBehaviour = {
  // Seed 002 §10: "scale down when CPU < 40%". The autoscaler measures requests, not usage,
  // so a node whose pods request under 40% of it is the one to drain.
  scaleDownUtilizationThreshold: 0.4,
  // The cluster autoscaler's own default: a node must stay unneeded 10 minutes.
  scaleDownUnneededMinutes: 10,
  // Fewest idle CPU and memory after the scale-up: the cheapest group that fits the pods.
  expander: 'least-waste',
};

/** The rule for a cluster of `nodes`, with the file's `autoscaling.nodes` over the defaults. */
export function resolveNodeGroups(config: RuleContext['config'], nodes: { min: number; max: number; desired: number }): NodeGroupScaling {
  const given = config.autoscaling?.nodes ?? {};
  return {
    ...nodes,
    scaleDownUtilizationThreshold: given.scaleDownUtilizationThreshold ?? NODE_GROUP_DEFAULTS.scaleDownUtilizationThreshold,
    scaleDownUnneededMinutes: given.scaleDownUnneededMinutes ?? NODE_GROUP_DEFAULTS.scaleDownUnneededMinutes,
    expander: given.expander ?? NODE_GROUP_DEFAULTS.expander,
  };
}
