/** ServiceTargetGroup: an instance target group on a node port, registered through the node groups' Auto Scaling groups. */
import { DataBucket } from '../../../constructs/aws/data-bucket';
import { EksCluster } from '../../../constructs/aws/eks-cluster';
import { LoadBalancer } from '../../../constructs/aws/load-balancer';
import { NodeGroup } from '../../../constructs/aws/node-group';
import { ServiceTargetGroup } from '../../../constructs/aws/service-target-group';
import { NAME_PREFIX, synthWithFoundation } from '../../helpers/foundation';
import { resourcesOfType, SynthesizedStack } from '../../helpers/synth';

function targets(): SynthesizedStack {
  return synthWithFoundation((scope, foundation) => {
    const common = { network: foundation.network, encryptionKey: foundation.encryptionKey };
    const eks = new EksCluster(scope, 'eks', { ...common, clusterName: NAME_PREFIX, kubernetesVersion: '1.33' });
    const general = new NodeGroup(scope, 'nodes-general', {
      ...common,
      cluster: eks,
      groupName: 'general',
      instanceType: 'm7i.large',
      nodes: { min: 2, max: 6, desired: 3 },
      rootVolumeGiB: 80,
    });
    const loadBalancer = new LoadBalancer(scope, 'alb', {
      name: NAME_PREFIX,
      network: foundation.network,
      alarms: foundation.alarms,
      webIngressPrefixListId: 'pl-cloudflare',
      accessLogBucket: new DataBucket(scope, 'logs', { bucketName: 'logs', encryption: 's3' }),
    });
    new ServiceTargetGroup(scope, 'target-api-http', {
      name: `${NAME_PREFIX}-30168`,
      service: 'api',
      portName: 'http',
      nodePort: 30168,
      healthCheckPath: '/readyz',
      loadBalancer,
      nodeSecurityGroupId: eks.nodeSecurityGroupId,
      nodeGroups: [general],
      alarms: foundation.alarms,
    });
  });
}

const ref = (stack: SynthesizedStack, type: string, attribute: string) => `\${${type}.${Object.keys(stack.resources[type])[0]}.${attribute}}`;

describe('ServiceTargetGroup', () => {
  const stack = targets();

  it('is an instance target group on the node port, checking the readiness path through it', () => {
    const [group] = resourcesOfType(stack, 'aws_lb_target_group');
    expect(group).toMatchObject({
      name: `${NAME_PREFIX}-30168`,
      target_type: 'instance',
      port: 30168,
      protocol: 'HTTP',
      vpc_id: ref(stack, 'aws_lb', 'vpc_id'),
      health_check: { path: '/readyz', port: 'traffic-port', interval: 5, timeout: 4, healthy_threshold: 2, unhealthy_threshold: 3, matcher: '200' },
    });
  });

  it("registers every node of the node group by attaching the group's Auto Scaling group, known once the node group exists", () => {
    const node = Object.keys(stack.resources.aws_eks_node_group)[0];
    expect(resourcesOfType(stack, 'aws_autoscaling_attachment')).toEqual([
      {
        autoscaling_group_name: `\${aws_eks_node_group.${node}.resources[0].autoscaling_groups[0].name}`,
        lb_target_group_arn: ref(stack, 'aws_lb_target_group', 'arn'),
      },
    ]);
  });

  it('opens exactly the node port from the load balancer to the nodes, both ways', () => {
    const alb = Object.entries(stack.resources.aws_security_group).find(([, g]) => g.name === `${NAME_PREFIX}-alb`)![0];
    const nodes = `\${aws_eks_cluster.${Object.keys(stack.resources.aws_eks_cluster)[0]}.vpc_config[0].cluster_security_group_id}`;
    expect(resourcesOfType(stack, 'aws_vpc_security_group_egress_rule')).toEqual([
      expect.objectContaining({ security_group_id: `\${aws_security_group.${alb}.id}`, referenced_security_group_id: nodes, from_port: 30168, to_port: 30168 }),
    ]);
    expect(resourcesOfType(stack, 'aws_vpc_security_group_ingress_rule').filter((r) => r.from_port === 30168)).toEqual([
      expect.objectContaining({ security_group_id: nodes, referenced_security_group_id: `\${aws_security_group.${alb}.id}`, to_port: 30168 }),
    ]);
  });

  it('alarms on any unhealthy target', () => {
    const alarm = resourcesOfType(stack, 'aws_cloudwatch_metric_alarm').find((a) => a.alarm_name === `${NAME_PREFIX}-30168-unhealthy`);
    expect(alarm).toMatchObject({
      metric_name: 'UnHealthyHostCount',
      dimensions: { LoadBalancer: ref(stack, 'aws_lb', 'arn_suffix'), TargetGroup: ref(stack, 'aws_lb_target_group', 'arn_suffix') },
      threshold: 0,
      statistic: 'Maximum',
    });
  });
});
