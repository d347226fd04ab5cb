import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { NatStrategy, subnetCidr } from '../../config/environment';
import { encryptedLogGroup } from './encrypted-log-group';
import { EncryptionKey } from './encryption-key';

/** Props of a Network. */
export interface NetworkProps {
  /** Prefix of every name, `<env>-<region>`. */
  readonly namePrefix: string;
  readonly region: string;
  readonly cidr: string;
  /** Zone IDs to spread subnets over (two or more). */
  readonly availabilityZoneIds: readonly string[];
  /** How private subnets reach the internet. */
  readonly natGateways: NatStrategy;
  /** Key for the flow-log group. */
  readonly encryptionKey: EncryptionKey;
  /** Days flow logs are kept. @default 90 */
  readonly flowLogRetentionDays?: number;
  /** Tag subnets for the EKS load balancer controller. @default false */
  readonly kubernetesClusterName?: string;
}

/**
 * A VPC with three subnet tiers in every zone: public (load balancers, hosts on
 * single-host stages), private (cluster nodes; egress through NAT) and data (databases,
 * caches, brokers; no route to the internet at all). Flow logs are on and the default
 * security group allows nothing.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  readonly cidr: string;
  readonly publicSubnets: Subnet[] = [];
  readonly privateSubnets: Subnet[] = [];
  readonly dataSubnets: Subnet[] = [];
  /** Route tables of private and data subnets: peering routes go here. */
  readonly internalRouteTables: RouteTable[] = [];
  readonly natGateways: NatGateway[] = [];

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const flowLogRetentionDays = props.flowLogRetentionDays ?? 90;
    const zones = props.availabilityZoneIds;
    const name = (suffix: string) => `${props.namePrefix}-${suffix}`;
    this.cidr = props.cidr;

    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: props.namePrefix },
    });
    new DefaultSecurityGroup(this, 'default-sg-closed', { vpcId: this.vpc.id, tags: { Name: name('default-closed') } });

    const igw = new InternetGateway(this, 'igw', { vpcId: this.vpc.id, tags: { Name: props.namePrefix } });
    const publicRoutes = new RouteTable(this, 'public-routes', { vpcId: this.vpc.id, tags: { Name: name('public') } });
    new Route(this, 'public-default-route', { routeTableId: publicRoutes.id, destinationCidrBlock: '0.0.0.0/0', gatewayId: igw.id });

    const clusterTag = props.kubernetesClusterName ? { [`kubernetes.io/cluster/${props.kubernetesClusterName}`]: 'shared' } : {};
    zones.forEach((zoneId, i) => {
      const subnet = (tier: 'public' | 'private' | 'data', extraTags: Record<string, string>) =>
        new Subnet(this, `${tier}-${i}`, {
          vpcId: this.vpc.id,
          cidrBlock: subnetCidr(props.cidr, tier, i),
          availabilityZoneId: zoneId,
          mapPublicIpOnLaunch: false,
          tags: { Name: name(`${tier}-${zoneId}`), 'stagecraft:tier': tier, ...extraTags },
        });
      const publicSubnet = subnet('public', props.kubernetesClusterName ? { 'kubernetes.io/role/elb': '1', ...clusterTag } : {});
      new RouteTableAssociation(this, `public-${i}-routes`, { subnetId: publicSubnet.id, routeTableId: publicRoutes.id });
      this.publicSubnets.push(publicSubnet);
      this.privateSubnets.push(subnet('private', props.kubernetesClusterName ? { 'kubernetes.io/role/internal-elb': '1', ...clusterTag } : {}));
      this.dataSubnets.push(subnet('data', {}));
    });

    const natCount = { none: 0, single: 1, 'per-az': zones.length }[props.natGateways];
    for (let i = 0; i < natCount; i++) {
      const eip = new Eip(this, `nat-${i}-ip`, { domain: 'vpc', tags: { Name: name(`nat-${zones[i]}`) } });
      this.natGateways.push(
        new NatGateway(this, `nat-${i}`, {
          allocationId: eip.id,
          subnetId: this.publicSubnets[i].id,
          tags: { Name: name(`nat-${zones[i]}`) },
          dependsOn: [igw],
        }),
      );
    }

    zones.forEach((zoneId, i) => {
      const privateRoutes = new RouteTable(this, `private-${i}-routes`, { vpcId: this.vpc.id, tags: { Name: name(`private-${zoneId}`) } });
      if (this.natGateways.length > 0) {
        const nat = this.natGateways[Math.min(i, this.natGateways.length - 1)];
        new Route(this, `private-${i}-default-route`, { routeTableId: privateRoutes.id, destinationCidrBlock: '0.0.0.0/0', natGatewayId: nat.id });
      }
      new RouteTableAssociation(this, `private-${i}-association`, { subnetId: this.privateSubnets[i].id, routeTableId: privateRoutes.id });
      this.internalRouteTables.push(privateRoutes);
    });
    const dataRoutes = new RouteTable(this, 'data-routes', { vpcId: this.vpc.id, tags: { Name: name('data') } });
    this.dataSubnets.forEach((s, i) => new RouteTableAssociation(this, `data-${i}-association`, { subnetId: s.id, routeTableId: dataRoutes.id }));
    this.internalRouteTables.push(dataRoutes);

    // S3 traffic stays on the AWS network and costs no NAT processing.
    new VpcEndpoint(this, 's3-endpoint', {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: [publicRoutes.id, ...this.internalRouteTables.map((t) => t.id)],
      tags: { Name: name('s3') },
    });

    const flowLogGroupName = `/stagecraft/${props.namePrefix}/vpc-flow-logs`;
    const flowLogGroup = encryptedLogGroup(this, 'flow-log-group', {
      name: flowLogGroupName,
      retentionDays: flowLogRetentionDays,
      encryptionKey: props.encryptionKey,
    });
    const flowLogRole = new IamRole(this, 'flow-log-role', {
      name: name('vpc-flow-logs'),
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    });
    // Named, and the group's ARN built from the account ID when it is a literal: known at plan time.
    const { partition, region, accountId } = props.encryptionKey;
    const flowLogGroupArn = Token.isUnresolved(accountId) ? flowLogGroup.arn : `arn:${partition}:logs:${region}:${accountId}:log-group:${flowLogGroupName}`;
    new IamRolePolicy(this, 'flow-log-policy', {
      name: 'vpc-flow-logs',
      role: flowLogRole.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            Resource: `${flowLogGroupArn}:*`,
          },
        ],
      }),
    });
    new FlowLog(this, 'flow-log', {
      vpcId: this.vpc.id,
      trafficType: 'ALL',
      logDestination: flowLogGroup.arn,
      iamRoleArn: flowLogRole.arn,
    });
  }
}
