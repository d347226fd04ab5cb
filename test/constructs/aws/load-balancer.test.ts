import { DataBucket } from '../../../constructs/aws/data-bucket';
import { LoadBalancer, LoadBalancerProps } from '../../../constructs/aws/load-balancer';
import { logicalName, NAME_PREFIX, synthWithFoundation } from '../../helpers/foundation';
import { resourcesOfType, SynthesizedStack } from '../../helpers/synth';

type Overrides = Partial<Omit<LoadBalancerProps, 'network' | 'alarms' | 'accessLogBucket'>> & { readonly logBucketName?: string };

const PREFIX_LIST = 'pl-cloudflare';

function loadBalancer({ logBucketName, ...overrides }: Overrides = {}): SynthesizedStack {
  return synthWithFoundation((scope, foundation) => {
    new LoadBalancer(scope, 'lb', {
      network: foundation.network,
      alarms: foundation.alarms,
      name: NAME_PREFIX,
      webIngressPrefixListId: PREFIX_LIST,
      accessLogBucket: new DataBucket(scope, 'logs', { bucketName: logBucketName ?? 'acme-us-east-1-logs', encryption: 's3' }),
      ...overrides,
    });
  });
}

function only(stack: SynthesizedStack, type: string): Record<string, unknown> {
  const resources = resourcesOfType(stack, type);
  expect(resources).toHaveLength(1);
  return resources[0];
}

function ref(stack: SynthesizedStack, type: string, attribute: string): string {
  return `\${${type}.${Object.keys(stack.resources[type])[0]}.${attribute}}`;
}

function alarmNamed(stack: SynthesizedStack, name: string): Record<string, unknown> {
  return stack.resources.aws_cloudwatch_metric_alarm[logicalName(stack, 'aws_cloudwatch_metric_alarm', 'alarm_name', name)];
}

describe('LoadBalancer', () => {
  it('is an internet-facing ALB in the public subnets with deletion protection and invalid headers dropped', () => {
    const stack = loadBalancer();
    const alb = only(stack, 'aws_lb');
    expect(alb).toMatchObject({
      name: NAME_PREFIX,
      load_balancer_type: 'application',
      internal: false,
      enable_deletion_protection: true,
      drop_invalid_header_fields: true,
      // WebSockets stay open while idle up to this long, like the hosts' proxy.
      idle_timeout: 3600,
    });
    const publicSubnets = Object.entries(stack.resources.aws_subnet)
      .filter(([, s]) => (s.tags as Record<string, string>)['stagecraft:tier'] === 'public')
      .map(([name]) => `\${aws_subnet.${name}.id}`);
    expect(alb.subnets).toEqual(publicSubnets);
    expect(alb.security_groups).toEqual([ref(stack, 'aws_security_group', 'id')]);
  });

  it('writes access logs to the given bucket, once its policy lets the ELB write', () => {
    const stack = loadBalancer({ logBucketName: 'some-log-bucket' });
    const alb = only(stack, 'aws_lb');
    expect(alb.access_logs).toEqual({
      bucket: `\${aws_s3_bucket.${logicalName(stack, 'aws_s3_bucket', 'bucket', 'some-log-bucket')}.bucket}`,
      prefix: 'alb',
      enabled: true,
    });
    expect(alb.depends_on).toEqual([`aws_s3_bucket_policy.${Object.keys(stack.resources.aws_s3_bucket_policy ?? {})[0]}`]);
  });

  it('cuts the ALB name to 32 characters', () => {
    const name = 'acme-production-eu-central-1-extra';
    const stack = loadBalancer({ name });
    expect(only(stack, 'aws_lb').name).toBe('acme-production-eu-central-1-ext');
  });

  it('never ends a cut name with a hyphen, which AWS rejects', () => {
    const envName = 'acme-platform-prod-blue'; // 23 characters: "<env>-us-east-1" cut to 32 ends in "-"
    const stack = loadBalancer({ name: `${envName}-us-east-1` });
    expect(only(stack, 'aws_lb').name).toBe('acme-platform-prod-blue-us-east');
  });

  it('takes the idle timeout from props', () => {
    expect(only(loadBalancer({ idleTimeoutSeconds: 600 }), 'aws_lb').idle_timeout).toBe(600);
  });

  it('admits 80 and 443 from the Cloudflare prefix list only', () => {
    const stack = loadBalancer();
    const groupId = ref(stack, 'aws_security_group', 'id');
    expect(only(stack, 'aws_security_group')).toMatchObject({ name: `${NAME_PREFIX}-alb`, description: `${NAME_PREFIX}: HTTPS from Cloudflare only` });
    const ingress = resourcesOfType(stack, 'aws_vpc_security_group_ingress_rule');
    expect(ingress.map((r) => [r.from_port, r.to_port]).sort()).toEqual([
      [443, 443],
      [80, 80],
    ]);
    for (const rule of ingress) {
      expect(rule).toMatchObject({ security_group_id: groupId, prefix_list_id: PREFIX_LIST, ip_protocol: 'tcp' });
      expect(rule.cidr_ipv4).toBeUndefined();
      expect(rule.cidr_ipv6).toBeUndefined();
    }
  });

  it('has no target group and no egress of its own: each public service port brings its own (ServiceTargetGroup)', () => {
    const stack = loadBalancer();
    expect(resourcesOfType(stack, 'aws_lb_target_group')).toHaveLength(0);
    expect(resourcesOfType(stack, 'aws_vpc_security_group_egress_rule')).toHaveLength(0);
  });

  it('redirects HTTP to HTTPS with a 301 and has no HTTPS listener of its own', () => {
    const stack = loadBalancer();
    expect(only(stack, 'aws_lb_listener')).toEqual(
      expect.objectContaining({
        load_balancer_arn: ref(stack, 'aws_lb', 'arn'),
        port: 80,
        protocol: 'HTTP',
        default_action: [{ type: 'redirect', redirect: { port: '443', protocol: 'HTTPS', status_code: 'HTTP_301' } }],
      }),
    );
  });

  it('alarms when p95 response time exceeds 500 ms, with a percentile and no statistic', () => {
    const stack = loadBalancer();
    const alarm = alarmNamed(stack, `${NAME_PREFIX}-p95-latency`);
    expect(alarm).toMatchObject({
      namespace: 'AWS/ApplicationELB',
      metric_name: 'TargetResponseTime',
      dimensions: { LoadBalancer: ref(stack, 'aws_lb', 'arn_suffix') },
      comparison_operator: 'GreaterThanThreshold',
      threshold: 0.5,
      extended_statistic: 'p95',
    });
    expect(alarm).not.toHaveProperty('statistic');
  });

  it('alarms on load balancer 5xx responses', () => {
    const stack = loadBalancer();
    const alarm = alarmNamed(stack, `${NAME_PREFIX}-5xx`);
    expect(alarm).toMatchObject({
      namespace: 'AWS/ApplicationELB',
      metric_name: 'HTTPCode_ELB_5XX_Count',
      dimensions: { LoadBalancer: ref(stack, 'aws_lb', 'arn_suffix') },
      comparison_operator: 'GreaterThanThreshold',
      threshold: 50,
      statistic: 'Sum',
    });
    expect(alarm).not.toHaveProperty('extended_statistic');
  });

  it('has the two load balancer alarms; target groups bring their own', () => {
    expect(resourcesOfType(loadBalancer(), 'aws_cloudwatch_metric_alarm')).toHaveLength(2);
  });
});
