import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { checkProps } from '../shared/validation';

/** Props of a TargetTrackingScaling. */
export interface TargetTrackingScalingProps {
  /** Policy name, unique per scalable target, e.g. `acme-us-east-1-aurora-reader-cpu`. */
  readonly policyName: string;
  /** Application Auto Scaling namespace: `rds`, `elasticache`. */
  readonly serviceNamespace: string;
  /** The scaled resource: `cluster:<id>`, `replication-group/<id>`. */
  readonly resourceId: string;
  /** What is counted: `rds:cluster:ReadReplicaCount`, `elasticache:replication-group:NodeGroups`. */
  readonly scalableDimension: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** Predefined metric the policy tracks, e.g. `RDSReaderAverageCPUUtilization`. */
  readonly predefinedMetric: string;
  /** Value of the metric the policy keeps, percent. */
  readonly targetPercent: number;
  readonly scaleOutCooldownSeconds: number;
  readonly scaleInCooldownSeconds: number;
  /** Resources that must exist before the target is registered. @default none */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * An Application Auto Scaling target and its target-tracking policy. AWS uses the service's
 * service-linked role (created on first registration), so no role is passed.
 */
export class TargetTrackingScaling extends Construct {
  readonly target: AppautoscalingTarget;
  readonly policy: AppautoscalingPolicy;

  constructor(scope: Construct, id: string, props: TargetTrackingScalingProps) {
    super(scope, id);
    const whole = (n: number) => Number.isInteger(n) && n >= 0;
    checkProps(this, [
      {
        failed: !whole(props.minCapacity) || !whole(props.maxCapacity) || props.minCapacity > props.maxCapacity,
        message: `minCapacity/maxCapacity: must be whole numbers with min ≤ max, got ${props.minCapacity}/${props.maxCapacity}`,
      },
      {
        failed: !(props.targetPercent > 0 && props.targetPercent <= 100),
        message: `targetPercent: must be above 0 and at most 100, got ${props.targetPercent}`,
      },
    ]);

    this.target = new AppautoscalingTarget(this, 'target', {
      serviceNamespace: props.serviceNamespace,
      resourceId: props.resourceId,
      scalableDimension: props.scalableDimension,
      minCapacity: props.minCapacity,
      maxCapacity: props.maxCapacity,
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });
    this.policy = new AppautoscalingPolicy(this, 'policy', {
      name: props.policyName,
      policyType: 'TargetTrackingScaling',
      serviceNamespace: this.target.serviceNamespace,
      resourceId: this.target.resourceId,
      scalableDimension: this.target.scalableDimension,
      targetTrackingScalingPolicyConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: props.predefinedMetric },
        targetValue: props.targetPercent,
        scaleOutCooldown: props.scaleOutCooldownSeconds,
        scaleInCooldown: props.scaleInCooldownSeconds,
      },
    });
  }
}
