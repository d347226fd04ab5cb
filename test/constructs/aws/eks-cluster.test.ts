import { Construct } from 'constructs';
import { CLUSTER_AUTOSCALER_RELEASES } from '../../../config/cluster-autoscaler-releases';
import { METRICS_SERVER_ADDON_VERSIONS } from '../../../config/eks-addon-versions';
import { EksCluster, EksClusterProps } from '../../../constructs/aws/eks-cluster';
import { NodeGroup, NodeGroupProps } from '../../../constructs/aws/node-group';
import { Foundation, keyArnOf, logicalName, NAME_PREFIX, synthWithFoundation } from '../../helpers/foundation';
import { resourcesOfType, SynthesizedStack } from '../../helpers/synth';

type ClusterOverrides = Partial<Omit<EksClusterProps, 'network' | 'encryptionKey'>>;
type GroupOverrides = Partial<Omit<NodeGroupProps, 'cluster' | 'network' | 'encryptionKey'>>;

function cluster(overrides: ClusterOverrides = {}, extra?: (eks: EksCluster, scope: Construct, foundation: Foundation) => void): SynthesizedStack {
  return synthWithFoundation((scope, foundation) => {
    const eks = new EksCluster(scope, 'eks', {
      clusterName: NAME_PREFIX,
      network: foundation.network,
      encryptionKey: foundation.encryptionKey,
      kubernetesVersion: '1.33',
      ...overrides,
    });
    extra?.(eks, scope, foundation);
  });
}

function nodeGroup(eks: EksCluster, scope: Construct, foundation: Foundation, id: string, overrides: GroupOverrides = {}): NodeGroup {
  return new NodeGroup(scope, id, {
    cluster: eks,
    network: foundation.network,
    encryptionKey: foundation.encryptionKey,
    groupName: 'general',
    instanceType: 'm7i.large',
    nodes: { min: 2, max: 6, desired: 3 },
    rootVolumeGiB: 80,
    ...overrides,
  });
}

/** The cluster and one node group, `general`, with the given overrides. */
function withGroup(overrides: GroupOverrides = {}): SynthesizedStack {
  return cluster({}, (eks, scope, foundation) => nodeGroup(eks, scope, foundation, 'general', overrides));
}

function only(stack: SynthesizedStack, type: string): Record<string, unknown> {
  const resources = resourcesOfType(stack, type);
  expect(resources).toHaveLength(1);
  return resources[0];
}

function clusterRef(stack: SynthesizedStack, attribute: string): string {
  return `\${aws_eks_cluster.${logicalName(stack, 'aws_eks_cluster', 'name', NAME_PREFIX)}.${attribute}}`;
}

/** `${aws_subnet.<name>.id}` of every private subnet, in order. */
function privateSubnetIdsOf(stack: SynthesizedStack): string[] {
  return Object.entries(stack.resources.aws_subnet)
    .filter(([, s]) => (s.tags as Record<string, string>)['stagecraft:tier'] === 'private')
    .map(([name]) => `\${aws_subnet.${name}.id}`);
}

function addonNames(stack: SynthesizedStack): string[] {
  return resourcesOfType(stack, 'aws_eks_addon')
    .map((a) => String(a.addon_name))
    .sort();
}

function addon(stack: SynthesizedStack, name: string): Record<string, unknown> {
  return stack.resources.aws_eks_addon[logicalName(stack, 'aws_eks_addon', 'addon_name', name)];
}

describe('EksCluster', () => {
  it('sends all five control-plane log types to a pre-created, encrypted log group', () => {
    const stack = cluster({ logRetentionDays: 30 });
    const control = only(stack, 'aws_eks_cluster');
    expect(control.enabled_cluster_log_types).toEqual(['api', 'audit', 'authenticator', 'controllerManager', 'scheduler']);
    const logGroup = logicalName(stack, 'aws_cloudwatch_log_group', 'name', `/aws/eks/${NAME_PREFIX}/cluster`);
    expect(stack.resources.aws_cloudwatch_log_group[logGroup]).toMatchObject({ retention_in_days: 30, kms_key_id: keyArnOf(stack) });
    expect(control.depends_on).toEqual([`aws_cloudwatch_log_group.${logGroup}`]);
  });

  it('keeps control-plane logs 90 days by default', () => {
    const stack = cluster();
    const logGroup = logicalName(stack, 'aws_cloudwatch_log_group', 'name', `/aws/eks/${NAME_PREFIX}/cluster`);
    expect(stack.resources.aws_cloudwatch_log_group[logGroup].retention_in_days).toBe(90);
  });

  it('encrypts Kubernetes secrets with the key', () => {
    const stack = cluster();
    expect(only(stack, 'aws_eks_cluster').encryption_config).toEqual({ resources: ['secrets'], provider: { key_arn: keyArnOf(stack) } });
  });

  it('runs the given version with access entries (API authentication mode)', () => {
    expect(only(cluster({ kubernetesVersion: '1.32' }), 'aws_eks_cluster')).toMatchObject({
      name: NAME_PREFIX,
      version: '1.32',
      access_config: { authentication_mode: 'API', bootstrap_cluster_creator_admin_permissions: true },
      upgrade_policy: { support_type: 'STANDARD' },
    });
  });

  it('has a private endpoint only by default, in the private subnets', () => {
    const stack = cluster();
    const vpcConfig = only(stack, 'aws_eks_cluster').vpc_config as Record<string, unknown>;
    expect(vpcConfig).toMatchObject({ endpoint_private_access: true, endpoint_public_access: false });
    expect(vpcConfig.public_access_cidrs).toBeUndefined();
    expect(vpcConfig.subnet_ids).toEqual(privateSubnetIdsOf(stack));
    const apiGroup = logicalName(stack, 'aws_security_group', 'name', `${NAME_PREFIX}-eks-api`);
    expect(vpcConfig.security_group_ids).toEqual([`\${aws_security_group.${apiGroup}.id}`]);
  });

  it('opens the public endpoint to the given CIDRs only', () => {
    const vpcConfig = only(cluster({ publicApiCidrs: ['203.0.113.0/24', '198.51.100.7/32'] }), 'aws_eks_cluster').vpc_config;
    expect(vpcConfig).toMatchObject({
      endpoint_private_access: true,
      endpoint_public_access: true,
      public_access_cidrs: ['203.0.113.0/24', '198.51.100.7/32'],
    });
    const empty = only(cluster({ publicApiCidrs: [] }), 'aws_eks_cluster').vpc_config as Record<string, unknown>;
    expect(empty.endpoint_public_access).toBe(false);
    expect(empty.public_access_cidrs).toBeUndefined();
  });

  it('records the named in-VPC deployer of a private endpoint as the cluster tag guardrail SC-PUB-14 reads', () => {
    expect(only(cluster({ privateApiDeployer: 'CodeBuild project acme-deploy' }), 'aws_eks_cluster').tags).toEqual({
      'stagecraft:api-deployer': 'CodeBuild project acme-deploy',
    });
    expect(only(cluster({}), 'aws_eks_cluster').tags).toBeUndefined();
  });

  it('admits the given VPCs to the private endpoint on 443, so a deployer inside one reaches the API (review F4)', () => {
    const stack = cluster({ privateApiCidrs: ['10.16.0.0/16', '10.20.0.0/16'] });
    const apiGroup = `\${aws_security_group.${logicalName(stack, 'aws_security_group', 'name', `${NAME_PREFIX}-eks-api`)}.id}`;
    expect(resourcesOfType(stack, 'aws_vpc_security_group_ingress_rule')).toEqual(
      ['10.16.0.0/16', '10.20.0.0/16'].map((cidr) =>
        expect.objectContaining({ security_group_id: apiGroup, cidr_ipv4: cidr, ip_protocol: 'tcp', from_port: 443, to_port: 443 }),
      ),
    );
    expect(resourcesOfType(cluster(), 'aws_vpc_security_group_ingress_rule')).toEqual([]);
  });

  it('runs under a cluster role EKS can assume and tag', () => {
    const stack = cluster();
    const roleName = logicalName(stack, 'aws_iam_role', 'name', `${NAME_PREFIX}-eks-cluster`);
    expect(JSON.parse(String(stack.resources.aws_iam_role[roleName].assume_role_policy)).Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] },
    ]);
    expect(only(stack, 'aws_eks_cluster').role_arn).toBe(`\${aws_iam_role.${roleName}.arn}`);
    expect(resourcesOfType(stack, 'aws_iam_role_policy_attachment')).toEqual([
      expect.objectContaining({ role: `\${aws_iam_role.${roleName}.name}`, policy_arn: 'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy' }),
    ]);
  });

  it('installs only the node-level add-ons before any node group exists', () => {
    const stack = cluster();
    expect(addonNames(stack)).toEqual(['eks-pod-identity-agent', 'kube-proxy', 'vpc-cni']);
    for (const a of resourcesOfType(stack, 'aws_eks_addon')) {
      expect(a).toMatchObject({ cluster_name: clusterRef(stack, 'name'), resolve_conflicts_on_update: 'OVERWRITE' });
      expect(a.depends_on).toBeUndefined();
    }
    expect(resourcesOfType(stack, 'aws_eks_pod_identity_association')).toHaveLength(0);
  });

  it('adds CoreDNS, the EBS CSI driver, with a pod identity for its controller, and metrics-server after the node groups', () => {
    const stack = cluster({}, (eks, scope, foundation) => eks.addWorkloadAddons([nodeGroup(eks, scope, foundation, 'general').nodeGroup]));
    expect(addonNames(stack)).toEqual(['aws-ebs-csi-driver', 'coredns', 'eks-pod-identity-agent', 'kube-proxy', 'metrics-server', 'vpc-cni']);

    const csiRole = logicalName(stack, 'aws_iam_role', 'name', `${NAME_PREFIX}-ebs-csi`);
    expect(JSON.parse(String(stack.resources.aws_iam_role[csiRole].assume_role_policy)).Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] },
    ]);
    expect(resourcesOfType(stack, 'aws_iam_role_policy_attachment')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ role: `\${aws_iam_role.${csiRole}.name}`, policy_arn: 'arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy' }),
      ]),
    );
    expect(only(stack, 'aws_eks_pod_identity_association')).toEqual({
      cluster_name: clusterRef(stack, 'name'),
      namespace: 'kube-system',
      service_account: 'ebs-csi-controller-sa',
      role_arn: `\${aws_iam_role.${csiRole}.arn}`,
    });

    const group = `aws_eks_node_group.${Object.keys(stack.resources.aws_eks_node_group)[0]}`;
    const association = `aws_eks_pod_identity_association.${Object.keys(stack.resources.aws_eks_pod_identity_association)[0]}`;
    expect(addon(stack, 'coredns').depends_on).toEqual([group]);
    expect(addon(stack, 'aws-ebs-csi-driver').depends_on).toEqual([group, association]);
    // The HPAs read CPU and memory from it; pinned per Kubernetes minor (config/eks-addon-versions.ts).
    expect(addon(stack, 'metrics-server')).toMatchObject({ addon_version: METRICS_SERVER_ADDON_VERSIONS['1.33'], depends_on: [group] });
  });

  it('pins a metrics-server version for every Kubernetes minor that has a cluster autoscaler release', () => {
    expect(Object.keys(METRICS_SERVER_ADDON_VERSIONS)).toEqual(Object.keys(CLUSTER_AUTOSCALER_RELEASES));
    for (const version of Object.values(METRICS_SERVER_ADDON_VERSIONS)) expect(version).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
  });
});

describe('NodeGroup', () => {
  it('runs in the private subnets with the scaling config from props', () => {
    const stack = withGroup({ nodes: { min: 2, max: 6, desired: 3 } });
    const group = only(stack, 'aws_eks_node_group');
    expect(group).toMatchObject({
      cluster_name: clusterRef(stack, 'name'),
      node_group_name: 'general',
      instance_types: ['m7i.large'],
      ami_type: 'AL2023_x86_64_STANDARD',
      capacity_type: 'ON_DEMAND',
      scaling_config: { min_size: 2, max_size: 6, desired_size: 3 },
      update_config: { max_unavailable_percentage: 33 },
      labels: { 'stagecraft/pool': 'general' },
    });
    expect(group.subnet_ids).toEqual(privateSubnetIdsOf(stack));
  });

  it('leaves the desired size to the cluster autoscaler', () => {
    expect(only(withGroup(), 'aws_eks_node_group').lifecycle).toEqual({ ignore_changes: ['scaling_config[0].desired_size'] });
  });

  it('launches nodes from a template with IMDSv2, one hop, and an encrypted root volume', () => {
    const stack = withGroup({ rootVolumeGiB: 120 });
    const templateName = logicalName(stack, 'aws_launch_template', 'name', `${NAME_PREFIX}-general`);
    const template = stack.resources.aws_launch_template[templateName];
    expect(template.metadata_options).toEqual({ http_tokens: 'required', http_put_response_hop_limit: 1, http_endpoint: 'enabled' });
    expect(template.block_device_mappings).toEqual([
      {
        device_name: '/dev/xvda',
        ebs: { volume_size: 120, volume_type: 'gp3', encrypted: 'true', kms_key_id: keyArnOf(stack), delete_on_termination: 'true' },
      },
    ]);
    expect(only(stack, 'aws_eks_node_group').launch_template).toEqual({
      id: `\${aws_launch_template.${templateName}.id}`,
      version: `\${aws_launch_template.${templateName}.latest_version}`,
    });
  });

  it('carries the cluster autoscaler discovery tags', () => {
    expect(only(withGroup(), 'aws_eks_node_group').tags).toEqual({
      'k8s.io/cluster-autoscaler/enabled': 'true',
      [`k8s.io/cluster-autoscaler/${NAME_PREFIX}`]: 'owned',
    });
  });

  it('renders taints and labels when given', () => {
    const group = only(
      withGroup({
        groupName: 'cockroach',
        labels: { workload: 'cockroachdb' },
        taints: [
          { key: 'dedicated', value: 'cockroachdb', effect: 'NO_SCHEDULE' },
          { key: 'drain', value: 'soon', effect: 'PREFER_NO_SCHEDULE' },
        ],
      }),
      'aws_eks_node_group',
    );
    expect(group.node_group_name).toBe('cockroach');
    expect(group.labels).toEqual({ workload: 'cockroachdb' });
    expect(group.taint).toEqual([
      { key: 'dedicated', value: 'cockroachdb', effect: 'NO_SCHEDULE' },
      { key: 'drain', value: 'soon', effect: 'PREFER_NO_SCHEDULE' },
    ]);
  });

  it('renders no taints by default', () => {
    expect(only(withGroup(), 'aws_eks_node_group').taint).toEqual([]);
  });

  it('creates a node role with the worker, CNI, ECR and SSM policies', () => {
    const stack = withGroup();
    const roleName = logicalName(stack, 'aws_iam_role', 'name', `${NAME_PREFIX}-general-node`);
    expect(JSON.parse(String(stack.resources.aws_iam_role[roleName].assume_role_policy)).Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: ['sts:AssumeRole'] },
    ]);
    const policies = resourcesOfType(stack, 'aws_iam_role_policy_attachment')
      .filter((a) => a.role === `\${aws_iam_role.${roleName}.name}`)
      .map((a) => a.policy_arn)
      .sort();
    expect(policies).toEqual([
      'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly',
      'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
      'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
      'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
    ]);
    expect(only(stack, 'aws_eks_node_group').node_role_arn).toBe(`\${aws_iam_role.${roleName}.arn}`);
  });

  it('reuses a node role passed in instead of creating one', () => {
    const stack = cluster({}, (eks, scope, foundation) => {
      const general = nodeGroup(eks, scope, foundation, 'general');
      nodeGroup(eks, scope, foundation, 'cockroach', { groupName: 'cockroach', nodeRole: general.nodeRole });
    });
    const nodeRoles = resourcesOfType(stack, 'aws_iam_role').filter((r) => String(r.name).endsWith('-node'));
    expect(nodeRoles.map((r) => r.name)).toEqual([`${NAME_PREFIX}-general-node`]);
    const roleArn = `\${aws_iam_role.${logicalName(stack, 'aws_iam_role', 'name', `${NAME_PREFIX}-general-node`)}.arn}`;
    const groups = resourcesOfType(stack, 'aws_eks_node_group');
    expect(groups.map((g) => [g.node_group_name, g.node_role_arn]).sort()).toEqual([
      ['cockroach', roleArn],
      ['general', roleArn],
    ]);
  });
});
