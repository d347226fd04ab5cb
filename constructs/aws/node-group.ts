import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { AlarmTopic } from './alarm-topic';
import { EksCluster } from './eks-cluster';
import { EncryptionKey } from './encryption-key';
import { serviceRole } from './iam';
import { Network } from './network';
import { nodeGroupArn } from '../shared/arn';

/** Node counts of a scaling group. */
export interface NodeCounts {
  readonly min: number;
  readonly max: number;
  readonly desired: number;
}

/** A Kubernetes taint that keeps other workloads off dedicated nodes. */
export interface NodeTaint {
  readonly key: string;
  readonly value: string;
  readonly effect: 'NO_SCHEDULE' | 'NO_EXECUTE' | 'PREFER_NO_SCHEDULE';
}

/** Props of a NodeGroup. */
export interface NodeGroupProps {
  readonly cluster: EksCluster;
  readonly network: Network;
  readonly encryptionKey: EncryptionKey;
  /** Group name inside the cluster, e.g. "general". */
  readonly groupName: string;
  readonly instanceType: string;
  readonly nodes: NodeCounts;
  readonly rootVolumeGiB: number;
  /** Node labels. @default { "stagecraft/pool": groupName } */
  readonly labels?: Readonly<Record<string, string>>;
  /** Taints for dedicated pools. @default none */
  readonly taints?: readonly NodeTaint[];
  /** Node role to reuse across groups. @default a new role */
  readonly nodeRole?: IamRole;
  /**
   * Topic for an alarm on the group's average CPU above 80% (seed 004: "CPU > 80% on app
   * server → add more app servers"); `stagecraft advise --from-cloudwatch` reads its metric.
   * @default no alarm
   */
  readonly alarms?: AlarmTopic;
}

/**
 * An EKS managed node group in the private subnets, from a launch template that
 * requires IMDSv2 with one hop (pods cannot borrow the node's role) and encrypts the
 * root volume. The desired size is left to the cluster autoscaler after creation.
 */
export class NodeGroup extends Construct {
  readonly nodeGroup: EksNodeGroup;
  /**
   * The group's ARN for policies, known at plan time: the real one ends in an id EKS generates,
   * so this ends in `/*` after the cluster and group names (constructs/shared/arn.ts).
   */
  readonly arnPattern: string;
  readonly launchTemplate: LaunchTemplate;
  readonly nodeRole: IamRole;
  /** The CPU alarm, when `alarms` is given. */
  readonly cpuAlarm?: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: NodeGroupProps) {
    super(scope, id);
    const labels = props.labels ?? { 'stagecraft/pool': props.groupName };
    const name = `${props.cluster.name}-${props.groupName}`;

    this.nodeRole =
      props.nodeRole ??
      serviceRole(this, 'role', {
        name: `${name}-node`,
        service: 'ec2.amazonaws.com',
        managedPolicies: ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly', 'AmazonSSMManagedInstanceCore'],
      });

    this.launchTemplate = new LaunchTemplate(this, 'template', {
      name,
      updateDefaultVersion: true,
      metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 1, httpEndpoint: 'enabled' },
      blockDeviceMappings: [
        {
          deviceName: '/dev/xvda',
          ebs: { volumeSize: props.rootVolumeGiB, volumeType: 'gp3', encrypted: 'true', kmsKeyId: props.encryptionKey.arn, deleteOnTermination: 'true' },
        },
      ],
      tagSpecifications: [{ resourceType: 'instance', tags: { Name: name } }],
    });

    this.arnPattern = nodeGroupArn(props.encryptionKey, props.cluster.name, props.groupName);
    this.nodeGroup = new EksNodeGroup(this, 'group', {
      clusterName: props.cluster.cluster.name,
      nodeGroupName: props.groupName,
      nodeRoleArn: this.nodeRole.arn,
      subnetIds: props.network.privateSubnets.map((s) => s.id),
      instanceTypes: [props.instanceType],
      amiType: 'AL2023_x86_64_STANDARD',
      capacityType: 'ON_DEMAND',
      scalingConfig: { minSize: props.nodes.min, maxSize: props.nodes.max, desiredSize: props.nodes.desired },
      updateConfig: { maxUnavailablePercentage: 33 },
      launchTemplate: { id: this.launchTemplate.id, version: this.launchTemplate.latestVersion.toString() },
      labels: { ...labels },
      taint: (props.taints ?? []).map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
      tags: {
        'k8s.io/cluster-autoscaler/enabled': 'true',
        [`k8s.io/cluster-autoscaler/${props.cluster.name}`]: 'owned',
      },
      // The cluster autoscaler owns the desired size once the group exists.
      lifecycle: { ignoreChanges: ['scaling_config[0].desired_size'] },
    });

    if (props.alarms) {
      // EC2 publishes CPU per Auto Scaling group; the managed group's ASG name is known after apply.
      this.cpuAlarm = props.alarms.alarm(this, 'cpu-alarm', {
        alarmName: `${name}-cpu-high`,
        description: `Node group ${name}: average CPU above 80% (seed 004: add app servers, do not just grow the box)`,
        namespace: 'AWS/EC2',
        metricName: 'CPUUtilization',
        dimensions: { AutoScalingGroupName: this.nodeGroup.resources.get(0).autoscalingGroups.get(0).name },
        comparison: 'GreaterThanThreshold',
        threshold: 80,
      });
    }
  }
}
