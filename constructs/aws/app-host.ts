import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { EbsVolume } from '@cdktf/provider-aws/lib/ebs-volume';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VolumeAttachment } from '@cdktf/provider-aws/lib/volume-attachment';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { AlarmTopic } from './alarm-topic';
import { allowWebFromEdge } from './edge-ingress';
import { EncryptionKey } from './encryption-key';
import { serviceRole } from './iam';
import { Network } from './network';
import { preventDestroy } from '../shared/protection';

/** Latest Amazon Linux 2023, resolved by EC2 at launch: no AMI lookup at plan time. */
export const AMAZON_LINUX_2023_SSM = 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';

/**
 * IMDS hop limit of a host: 2, so that the product's containers (on Docker's bridge network, one
 * hop further than the host) get the instance role's credentials for the stores they use with IAM
 * (ElastiCache IAM auth, S3). Every container of a host shares one identity anyway: the host
 * fetches every service's secrets with that role (docs/credentials.md, "Single-host stages").
 */
export const HOST_IMDS_HOP_LIMIT = 2;

/** Tag AWS Backup selects resources by. */
export const BACKUP_TAG = { key: 'stagecraft:backup', value: 'daily' } as const;

/** Props of an AppHost. */
export interface AppHostProps {
  /** Prefix of every name, `<env>-<region>`. */
  readonly namePrefix: string;
  /** Host number, for names and the zone it lands in. */
  readonly index: number;
  readonly network: Network;
  readonly encryptionKey: EncryptionKey;
  readonly alarms: AlarmTopic;
  readonly region: string;
  readonly instanceType: string;
  /** Root volume size. */
  readonly rootVolumeGiB: number;
  /** Prefix list of addresses allowed to reach ports 80 and 443 (Cloudflare's ranges). */
  readonly webIngressPrefixListId: string;
  /** A separate data volume for databases running on the host (launch). @default none */
  readonly dataVolumeGiB?: number;
  /**
   * cloud-init document run at first boot. @default installs Docker and, with a data
   * volume, formats it once and mounts it at /srv/data
   */
  readonly userData?: string;
}

/**
 * One EC2 host running the product with docker compose. It sits in a public subnet with
 * an Elastic IP that only Cloudflare may reach on 80/443; there is no SSH (use SSM
 * Session Manager), IMDSv2 is required, volumes are encrypted, and AWS Backup snapshots
 * it daily.
 */
export class AppHost extends Construct {
  readonly instance: Instance;
  readonly launchTemplate: LaunchTemplate;
  readonly securityGroup: SecurityGroup;
  readonly publicIp: Eip;
  readonly dataVolume?: EbsVolume;
  /** The instance role: what the host and its containers (IMDS answers them, HOST_IMDS_HOP_LIMIT) may do. */
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: AppHostProps) {
    super(scope, id);
    const name = `${props.namePrefix}-host-${props.index}`;
    const userData = props.userData ?? defaultCloudInit(props.dataVolumeGiB !== undefined);
    const subnet = props.network.publicSubnets[props.index % props.network.publicSubnets.length];

    this.securityGroup = new SecurityGroup(this, 'sg', {
      name,
      description: `${name}: web from Cloudflare only`,
      vpcId: props.network.vpc.id,
    });
    allowWebFromEdge(this, 'web', this.securityGroup, props.webIngressPrefixListId);
    // Hosts pull images and OS updates; all inbound access stays closed.
    new VpcSecurityGroupEgressRule(this, 'egress', {
      securityGroupId: this.securityGroup.id,
      cidrIpv4: '0.0.0.0/0',
      ipProtocol: '-1',
      description: 'image pulls, OS updates, AWS APIs',
    });

    const role = (this.role = serviceRole(this, 'role', {
      name,
      service: 'ec2.amazonaws.com',
      managedPolicies: ['AmazonSSMManagedInstanceCore', 'CloudWatchAgentServerPolicy'],
    }));
    const profile = new IamInstanceProfile(this, 'profile', { name, role: role.name });

    this.launchTemplate = new LaunchTemplate(this, 'template', {
      name,
      imageId: AMAZON_LINUX_2023_SSM,
      instanceType: props.instanceType,
      updateDefaultVersion: true,
      userData: Fn.base64encode(userData),
      iamInstanceProfile: { arn: profile.arn },
      vpcSecurityGroupIds: [this.securityGroup.id],
      metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: HOST_IMDS_HOP_LIMIT, httpEndpoint: 'enabled', instanceMetadataTags: 'enabled' },
      blockDeviceMappings: [
        {
          deviceName: '/dev/xvda',
          ebs: { volumeSize: props.rootVolumeGiB, volumeType: 'gp3', encrypted: 'true', kmsKeyId: props.encryptionKey.arn, deleteOnTermination: 'true' },
        },
      ],
      monitoring: { enabled: true },
      tagSpecifications: [{ resourceType: 'volume', tags: { Name: name, [BACKUP_TAG.key]: BACKUP_TAG.value } }],
    });

    this.instance = new Instance(this, 'instance', {
      launchTemplate: { id: this.launchTemplate.id, version: '$Default' },
      subnetId: subnet.id,
      disableApiTermination: true,
      tags: { Name: name, [BACKUP_TAG.key]: BACKUP_TAG.value },
      // A new AMI or template version is rolled out deliberately, never as a side effect of a plan.
      lifecycle: { ignoreChanges: ['launch_template', 'user_data'] },
    });
    this.publicIp = new Eip(this, 'ip', { domain: 'vpc', instance: this.instance.id, tags: { Name: name } });

    if (props.dataVolumeGiB !== undefined) {
      this.dataVolume = preventDestroy(
        new EbsVolume(this, 'data', {
          availabilityZone: this.instance.availabilityZone,
          size: props.dataVolumeGiB,
          type: 'gp3',
          encrypted: true,
          kmsKeyId: props.encryptionKey.arn,
          finalSnapshot: true,
          tags: { Name: `${name}-data`, [BACKUP_TAG.key]: BACKUP_TAG.value },
        }),
      );
      new VolumeAttachment(this, 'data-attachment', { deviceName: '/dev/xvdf', volumeId: this.dataVolume.id, instanceId: this.instance.id });
    }

    props.alarms.alarm(this, 'cpu-alarm', {
      alarmName: `${name}-cpu-high`,
      description: 'App host CPU above 80% (seed 004: add app servers, do not just grow the box)',
      namespace: 'AWS/EC2',
      metricName: 'CPUUtilization',
      dimensions: { InstanceId: this.instance.id },
      comparison: 'GreaterThanThreshold',
      threshold: 80,
    });
    props.alarms.alarm(this, 'status-alarm', {
      alarmName: `${name}-status-check-failed`,
      description: 'Underlying host failed; EC2 recovers the instance onto new hardware',
      namespace: 'AWS/EC2',
      metricName: 'StatusCheckFailed_System',
      dimensions: { InstanceId: this.instance.id },
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      statistic: 'Maximum',
      evaluationPeriods: 2,
      extraActions: [`arn:aws:automate:${props.region}:ec2:recover`],
    });
  }
}

/** Where the data volume is mounted on the host. */
export const DATA_MOUNT_POINT = '/srv/data';

/**
 * First-boot commands every host runs: Docker and, with a data volume, a filesystem on it.
 * The volume is attached after the instance starts, so the script waits for the device
 * (Amazon Linux links NVMe volumes to their /dev/xvdX name) and formats it only when it has
 * no filesystem yet, never on a later boot.
 */
export function baseBootCommands(withDataVolume: boolean): string[] {
  const commands = ['systemctl enable --now docker'];
  if (withDataVolume) {
    commands.push(
      'for i in $(seq 1 120); do [ -e /dev/xvdf ] && break; sleep 5; done',
      'blkid /dev/xvdf || mkfs.xfs -L stagecraft-data /dev/xvdf',
      `mkdir -p ${DATA_MOUNT_POINT}`,
      `grep -q stagecraft-data /etc/fstab || echo 'LABEL=stagecraft-data ${DATA_MOUNT_POINT} xfs defaults,nofail 0 2' >> /etc/fstab`,
      'mount -a',
    );
  }
  return commands;
}

/** The cloud-init of a host without services: Docker and the data volume only. */
export function defaultCloudInit(withDataVolume: boolean): string {
  const lines = ['#cloud-config', 'package_update: true', 'packages: [docker]', 'runcmd:', ...baseBootCommands(withDataVolume).map((c) => `  - ${c}`)];
  return lines.join('\n') + '\n';
}
