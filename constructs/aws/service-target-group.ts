import { Construct } from 'constructs';
import { AutoscalingAttachment } from '@cdktf/provider-aws/lib/autoscaling-attachment';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { AlarmTopic } from './alarm-topic';
import { LoadBalancer } from './load-balancer';
import { NodeGroup } from './node-group';

/** Props of a ServiceTargetGroup. */
export interface ServiceTargetGroupProps {
  /** Target group name (32 characters at most, unique in the region). */
  readonly name: string;
  /** The service and its port, for descriptions and tags. */
  readonly service: string;
  readonly portName: string;
  /** The fixed node port of the service's NodePort Service. */
  readonly nodePort: number;
  /** The service's readiness path; the load balancer checks it on the node port. */
  readonly healthCheckPath: string;
  readonly loadBalancer: LoadBalancer;
  /** The security group the nodes carry. */
  readonly nodeSecurityGroupId: string;
  /** Node groups whose Auto Scaling group registers its instances in the target group. */
  readonly nodeGroups: readonly NodeGroup[];
  /** Topic for the unhealthy-targets alarm. */
  readonly alarms: AlarmTopic;
  /**
   * Seconds a deregistering node keeps its open connections before the load balancer closes them
   * (a gateway's long-lived connections drain longer). @default 30
   */
  readonly deregistrationDelaySeconds?: number;
}

/**
 * The load balancer's way to one public service port on a cluster, with nothing running in the
 * cluster to register targets: an `instance` target group on the port's fixed node port, attached
 * to the managed node groups' Auto Scaling groups (every node, now and later, is a target), the
 * security group rules from the load balancer to the nodes on exactly that port, and an alarm on
 * unhealthy targets. The NodePort Service (apps stack) forwards from any node to a ready pod; the
 * health check asks the service's readiness path through it, every 5 s, unhealthy after 3
 * failures (seed 004).
 */
export class ServiceTargetGroup extends Construct {
  readonly targetGroup: LbTargetGroup;
  readonly attachments: AutoscalingAttachment[];

  constructor(scope: Construct, id: string, props: ServiceTargetGroupProps) {
    super(scope, id);
    const what = `${props.service} ${props.portName}`;
    const deregistrationDelaySeconds = props.deregistrationDelaySeconds ?? 30;
    this.targetGroup = new LbTargetGroup(this, 'target-group', {
      name: props.name,
      port: props.nodePort,
      protocol: 'HTTP',
      targetType: 'instance',
      vpcId: props.loadBalancer.alb.vpcId,
      deregistrationDelay: String(deregistrationDelaySeconds),
      healthCheck: {
        path: props.healthCheckPath,
        port: 'traffic-port',
        interval: 5,
        timeout: 4,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
        matcher: '200',
      },
      // A new node port replaces the target group; its listener rule is in the edge stack, applied after this
      // one, so create-before-destroy would not help: docs/traffic.md says how to move a port.
      tags: { 'stagecraft:service': props.service, 'stagecraft:port': props.portName },
    });
    // A managed node group has one Auto Scaling group; its name is known once the group exists.
    this.attachments = props.nodeGroups.map(
      (group) =>
        new AutoscalingAttachment(this, `registration-${group.node.id}`, {
          autoscalingGroupName: group.nodeGroup.resources.get(0).autoscalingGroups.get(0).name,
          lbTargetGroupArn: this.targetGroup.arn,
        }),
    );
    new VpcSecurityGroupEgressRule(this, 'alb-to-nodes', {
      securityGroupId: props.loadBalancer.securityGroup.id,
      referencedSecurityGroupId: props.nodeSecurityGroupId,
      ipProtocol: 'tcp',
      fromPort: props.nodePort,
      toPort: props.nodePort,
      description: `to the nodes: ${what}`,
    });
    new VpcSecurityGroupIngressRule(this, 'nodes-from-alb', {
      securityGroupId: props.nodeSecurityGroupId,
      referencedSecurityGroupId: props.loadBalancer.securityGroup.id,
      ipProtocol: 'tcp',
      fromPort: props.nodePort,
      toPort: props.nodePort,
      description: `from the ALB: ${what}`,
    });
    props.alarms.alarm(this, 'unhealthy-alarm', {
      alarmName: `${props.name}-unhealthy`,
      description: `${what}: targets failing the 5 s health check`,
      namespace: 'AWS/ApplicationELB',
      metricName: 'UnHealthyHostCount',
      dimensions: { LoadBalancer: props.loadBalancer.alb.arnSuffix, TargetGroup: this.targetGroup.arnSuffix },
      comparison: 'GreaterThanThreshold',
      threshold: 0,
      statistic: 'Maximum',
    });
  }
}
