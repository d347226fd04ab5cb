import { Construct } from 'constructs';
import { AutoscalingAttachment } from '@cdktf/provider-aws/lib/autoscaling-attachment';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Network } from '../aws/network';
import { NodeGroup } from '../aws/node-group';
import { resourceName } from '../shared/protection';
import { suppress } from '../../policies/suppress';
import { LoadBalancerAccessLogs } from '../../policies/rules/logging/LoadBalancerAccessLogs';

/** Props of a CockroachJoinEndpoint. */
export interface CockroachJoinEndpointProps {
  /** Prefix of the names, `<env>-<region>` (NLB names allow 32 characters). */
  readonly namePrefix: string;
  readonly network: Network;
  /** The dedicated CockroachDB nodes: the NLB's targets. */
  readonly nodePool: NodeGroup;
  /** Security group of the nodes, which must admit the join traffic on the node port. */
  readonly nodeSecurityGroupId: string;
  /** Node port of the `cockroachdb-join` Service. */
  readonly nodePort: number;
  /** Port other regions dial (CockroachDB's 26257). */
  readonly port: number;
  /** VPC CIDRs of every region of the environment, this one included: the only sources admitted. */
  readonly vpcCidrs: readonly string[];
  /** Private hosted zone (shared by the environment's VPCs) and the name to publish in it. */
  readonly zone: { readonly zoneId: string; readonly recordName: string };
}

/**
 * A stable address through which other regions join this region's CockroachDB nodes: an
 * internal NLB over the peered VPCs, named in a private hosted zone. Terraform builds all of
 * it; the Kubernetes side is a plain NodePort Service with `externalTrafficPolicy: Local`, so
 * only nodes running a database pod pass the health check. No load-balancer controller is
 * needed in the cluster. The NLB only introduces nodes to each other; once joined they talk
 * pod IP to pod IP.
 */
export class CockroachJoinEndpoint extends Construct {
  readonly loadBalancer: Lb;
  readonly targetGroup: LbTargetGroup;
  readonly listener: LbListener;
  readonly securityGroup: SecurityGroup;
  readonly record: Route53Record;

  constructor(scope: Construct, id: string, props: CockroachJoinEndpointProps) {
    super(scope, id);
    const name = resourceName(props.namePrefix, 'crdb', 32);

    this.securityGroup = new SecurityGroup(this, 'sg', {
      name: `${props.namePrefix}-crdb-join`,
      description: `${props.namePrefix}: CockroachDB join NLB, reachable from the environment's VPCs only`,
      vpcId: props.network.vpc.id,
    });
    props.vpcCidrs.forEach((cidr, i) => {
      new VpcSecurityGroupIngressRule(this, `ingress-${i}`, {
        securityGroupId: this.securityGroup.id,
        cidrIpv4: cidr,
        ipProtocol: 'tcp',
        fromPort: props.port,
        toPort: props.port,
        description: `CockroachDB joins from ${cidr}`,
      });
      // Instance targets see the client's address (client IP preservation) and the NLB's health checks.
      new VpcSecurityGroupIngressRule(this, `node-port-${i}`, {
        securityGroupId: props.nodeSecurityGroupId,
        cidrIpv4: cidr,
        ipProtocol: 'tcp',
        fromPort: props.nodePort,
        toPort: props.nodePort,
        description: `CockroachDB join node port from ${cidr}`,
      });
    });
    new VpcSecurityGroupEgressRule(this, 'egress-nodes', {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: props.nodeSecurityGroupId,
      ipProtocol: 'tcp',
      fromPort: props.nodePort,
      toPort: props.nodePort,
      description: 'To the CockroachDB nodes',
    });

    this.loadBalancer = suppress(
      new Lb(this, 'nlb', {
        name,
        loadBalancerType: 'network',
        internal: true,
        subnets: props.network.privateSubnets.map((s) => s.id),
        securityGroups: [this.securityGroup.id],
        enableCrossZoneLoadBalancing: true,
        enableDeletionProtection: true,
      }),
      LoadBalancerAccessLogs,
      'a TCP-only network load balancer writes no access logs (AWS logs only TLS listeners); it carries only the join handshakes of CockroachDB nodes, which log themselves',
    );
    this.targetGroup = new LbTargetGroup(this, 'nodes', {
      name,
      port: props.nodePort,
      protocol: 'TCP',
      targetType: 'instance',
      vpcId: props.network.vpc.id,
      deregistrationDelay: '30',
      healthCheck: { protocol: 'TCP', port: 'traffic-port', healthyThreshold: 2, unhealthyThreshold: 2, interval: 5 },
    });
    this.listener = new LbListener(this, 'listener', {
      loadBalancerArn: this.loadBalancer.arn,
      port: props.port,
      protocol: 'TCP',
      defaultAction: [{ type: 'forward', targetGroupArn: this.targetGroup.arn }],
    });
    // The managed node group's Auto Scaling group registers every node, present and future.
    new AutoscalingAttachment(this, 'targets', {
      autoscalingGroupName: props.nodePool.nodeGroup.resources.get(0).autoscalingGroups.get(0).name,
      lbTargetGroupArn: this.targetGroup.arn,
    });
    this.record = new Route53Record(this, 'record', {
      zoneId: props.zone.zoneId,
      name: props.zone.recordName,
      type: 'A',
      alias: { name: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId, evaluateTargetHealth: true },
    });
  }
}
