import { Construct } from 'constructs';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { AlarmTopic } from './alarm-topic';
import { allowWebFromEdge } from './edge-ingress';
import { Network } from './network';
import { resourceName } from '../shared/protection';
import { DataBucket } from './data-bucket';

/** Props of a LoadBalancer. */
export interface LoadBalancerProps {
  /** Name, `<env>-<region>` (ALB names allow 32 characters). */
  readonly name: string;
  readonly network: Network;
  readonly alarms: AlarmTopic;
  /** Prefix list of addresses allowed in (Cloudflare's ranges). */
  readonly webIngressPrefixListId: string;
  /** Bucket that receives access logs (SSE-S3, with the log-delivery policy); the ALB waits for its policy. */
  readonly accessLogBucket: DataBucket;
  /** Port the application pods listen on. @default 8080 */
  readonly targetPort?: number;
  /** Health check path. @default "/healthz" */
  readonly healthCheckPath?: string;
}

/**
 * The regional entry point: an internet-facing ALB that only Cloudflare can reach, with
 * deletion protection, access logs and invalid-header dropping. Port 80 only redirects.
 * The HTTPS listener is attached by the edge stack, which owns the certificates for the
 * public hostnames; pods join the target group through the AWS Load Balancer Controller.
 * Health checks follow seed 004: every 5 s, unhealthy after 3 failures.
 */
export class LoadBalancer extends Construct {
  readonly alb: Lb;
  readonly securityGroup: SecurityGroup;
  readonly targetGroup: LbTargetGroup;
  readonly httpListener: LbListener;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const targetPort = props.targetPort ?? 8080;
    const healthCheckPath = props.healthCheckPath ?? '/healthz';

    this.securityGroup = new SecurityGroup(this, 'sg', {
      name: `${props.name}-alb`,
      description: `${props.name}: HTTPS from Cloudflare only`,
      vpcId: props.network.vpc.id,
    });
    allowWebFromEdge(this, 'ingress', this.securityGroup, props.webIngressPrefixListId);
    new VpcSecurityGroupEgressRule(this, 'egress-targets', {
      securityGroupId: this.securityGroup.id,
      cidrIpv4: props.network.cidr,
      ipProtocol: 'tcp',
      fromPort: targetPort,
      toPort: targetPort,
      description: 'to application pods',
    });

    this.alb = new Lb(this, 'alb', {
      // Cut to the 32-character limit without a trailing hyphen, which AWS rejects.
      name: props.name.slice(0, 32).replace(/-+$/, ''),
      loadBalancerType: 'application',
      internal: false,
      subnets: props.network.publicSubnets.map((s) => s.id),
      securityGroups: [this.securityGroup.id],
      enableDeletionProtection: true,
      dropInvalidHeaderFields: true,
      accessLogs: { bucket: props.accessLogBucket.bucket.bucket, prefix: 'alb', enabled: true },
      idleTimeout: 120,
      // ELB checks that it may write to the bucket when access logs are enabled (review F5).
      dependsOn: [props.accessLogBucket.policy],
    });

    this.targetGroup = new LbTargetGroup(this, 'api', {
      name: resourceName(props.name, 'api', 32),
      port: targetPort,
      protocol: 'HTTP',
      targetType: 'ip',
      vpcId: props.network.vpc.id,
      deregistrationDelay: '30',
      healthCheck: { path: healthCheckPath, interval: 5, timeout: 4, healthyThreshold: 2, unhealthyThreshold: 3, matcher: '200' },
    });

    this.httpListener = new LbListener(this, 'http', {
      loadBalancerArn: this.alb.arn,
      port: 80,
      protocol: 'HTTP',
      defaultAction: [{ type: 'redirect', redirect: { port: '443', protocol: 'HTTPS', statusCode: 'HTTP_301' } }],
    });

    const dimensions = { LoadBalancer: this.alb.arnSuffix };
    props.alarms.alarm(this, 'latency-alarm', {
      alarmName: `${props.name}-p95-latency`,
      description: 'p95 response time above 500 ms (seed 004: add a caching layer, not servers)',
      namespace: 'AWS/ApplicationELB',
      metricName: 'TargetResponseTime',
      dimensions,
      comparison: 'GreaterThanThreshold',
      threshold: 0.5,
      extendedStatistic: 'p95',
    });
    props.alarms.alarm(this, 'errors-alarm', {
      alarmName: `${props.name}-5xx`,
      description: 'Load balancer returned 5xx responses',
      namespace: 'AWS/ApplicationELB',
      metricName: 'HTTPCode_ELB_5XX_Count',
      dimensions,
      comparison: 'GreaterThanThreshold',
      threshold: 50,
      statistic: 'Sum',
    });
    props.alarms.alarm(this, 'unhealthy-alarm', {
      alarmName: `${props.name}-unhealthy-targets`,
      description: 'Targets failing the 5 s health check',
      namespace: 'AWS/ApplicationELB',
      metricName: 'UnHealthyHostCount',
      dimensions: { ...dimensions, TargetGroup: this.targetGroup.arnSuffix },
      comparison: 'GreaterThanThreshold',
      threshold: 0,
      statistic: 'Maximum',
    });
  }
}
