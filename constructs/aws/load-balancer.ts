import { Construct } from 'constructs';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { AlarmTopic } from './alarm-topic';
import { allowWebFromEdge } from './edge-ingress';
import { Network } from './network';
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
  /**
   * Seconds a connection may stay idle: WebSockets through it stay open while idle up to this
   * long (the hosts' proxy allows 3600 s too); services keep idle connections open longer than
   * this, or the ALB may reuse one they closed (502). @default 3600
   */
  readonly idleTimeoutSeconds?: number;
}

/**
 * The regional entry point: an internet-facing ALB that only Cloudflare can reach, with
 * deletion protection, access logs and invalid-header dropping. Port 80 only redirects.
 * The HTTPS listener and its rules are attached by the edge stack, which owns the certificates
 * for the public hostnames; each public service port has its own target group, rules to the
 * nodes and registration (`ServiceTargetGroup`), added by the cluster composer.
 */
export class LoadBalancer extends Construct {
  readonly alb: Lb;
  readonly securityGroup: SecurityGroup;
  readonly httpListener: LbListener;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const idleTimeoutSeconds = props.idleTimeoutSeconds ?? 3600;

    this.securityGroup = new SecurityGroup(this, 'sg', {
      name: `${props.name}-alb`,
      description: `${props.name}: HTTPS from Cloudflare only`,
      vpcId: props.network.vpc.id,
    });
    allowWebFromEdge(this, 'ingress', this.securityGroup, props.webIngressPrefixListId);

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
      idleTimeout: idleTimeoutSeconds,
      // ELB checks that it may write to the bucket when access logs are enabled (review F5).
      dependsOn: [props.accessLogBucket.policy],
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
  }
}
