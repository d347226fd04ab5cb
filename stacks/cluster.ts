/** The compute every cluster stage shares: EKS, its node pools and the regional ALB. */
import { TerraformOutput } from 'cdktf';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { ClusterAutoscalerIdentity } from '../constructs/aws/cluster-autoscaler-identity';
import { EksCluster } from '../constructs/aws/eks-cluster';
import { LoadBalancer } from '../constructs/aws/load-balancer';
import { OriginPullTrustStore } from '../constructs/aws/origin-pull-trust-store';
import { NodeGroup } from '../constructs/aws/node-group';
import { COCKROACH_POOL_LABEL, COCKROACH_SQL_PORT, COCKROACH_TAINT } from '../services/platform/cockroachdb/names';
import { OriginRoute, RegionalStack } from './regional-stack';
import { PUBLIC_HOSTS, publicPorts } from '../config/service-definition';
import { ServiceTargetGroup } from '../constructs/aws/service-target-group';

export interface ClusterCompute {
  readonly eks: EksCluster;
  readonly general: NodeGroup;
  readonly cockroachPool?: NodeGroup;
  /** The cluster autoscaler's role and pod identity; its Deployment is in the apps stack. */
  readonly autoscalerIdentity: ClusterAutoscalerIdentity;
  readonly loadBalancer: LoadBalancer;
  /** The security group every pod and node carries: data stores admit it. */
  readonly clientSecurityGroup: { readonly id: string };
}

export function composeClusterCompute(stack: RegionalStack): ClusterCompute {
  const f = stack.foundation;
  const size = f.blueprint.cluster;
  if (!size) throw new Error(`${f.blueprint.stage} blueprint has no cluster`);
  const common = { network: f.network, encryptionKey: f.encryptionKey };

  const eks = new EksCluster(stack, 'eks', {
    ...common,
    clusterName: f.namePrefix,
    kubernetesVersion: f.environment.kubernetesVersion,
    publicApiCidrs: f.environment.publicApiCidrs,
    privateApiDeployer: f.environment.privateApiDeployer,
    // Every VPC of the environment (peered on massive): a deployer in any of them reaches this cluster's API.
    privateApiCidrs: f.environment.regions.map((r) => r.vpcCidr),
  });
  const general = new NodeGroup(stack, 'nodes-general', {
    ...common,
    cluster: eks,
    groupName: 'general',
    instanceType: size.instanceType,
    nodes: size.nodes,
    rootVolumeGiB: size.rootVolumeGiB,
    alarms: f.alarms,
  });

  let cockroachPool: NodeGroup | undefined;
  const cockroach = f.blueprint.cockroach;
  if (cockroach) {
    // Dedicated, tainted nodes: one CockroachDB pod per node, spread across zones by the StatefulSet.
    cockroachPool = new NodeGroup(stack, 'nodes-cockroachdb', {
      ...common,
      cluster: eks,
      groupName: 'cockroachdb',
      instanceType: cockroach.instanceType,
      nodes: { min: cockroach.nodesPerRegion, max: cockroach.nodesPerRegion * 2, desired: cockroach.nodesPerRegion },
      rootVolumeGiB: 50,
      nodeRole: general.nodeRole,
      labels: { [COCKROACH_POOL_LABEL.key]: COCKROACH_POOL_LABEL.value },
      taints: [{ key: COCKROACH_TAINT.key, value: COCKROACH_TAINT.value, effect: 'NO_SCHEDULE' }],
    });
    // Peers in other regions join the cluster over the peered VPCs.
    f.environment.regions
      .filter((other) => other.code !== f.region.code)
      .forEach((other) => {
        new VpcSecurityGroupIngressRule(stack, `cockroachdb-from-${other.code}`, {
          securityGroupId: eks.nodeSecurityGroupId,
          cidrIpv4: other.vpcCidr,
          ipProtocol: 'tcp',
          fromPort: COCKROACH_SQL_PORT,
          toPort: COCKROACH_SQL_PORT,
          description: `CockroachDB nodes in ${other.code}`,
        });
      });
  }
  eks.addWorkloadAddons([general.nodeGroup]);
  const autoscalerIdentity = new ClusterAutoscalerIdentity(stack, 'cluster-autoscaler', {
    cluster: eks,
    nodeGroups: cockroachPool ? [general, cockroachPool] : [general],
  });
  stack.eks = eks;

  const loadBalancer = new LoadBalancer(stack, 'alb', {
    name: f.namePrefix,
    network: f.network,
    alarms: f.alarms,
    webIngressPrefixListId: f.cloudflarePrefixList.id,
    accessLogBucket: f.logs,
  });
  stack.loadBalancer = loadBalancer;
  const caPem = f.environment.edge.originPullCa;
  const trustStore = caPem ? new OriginPullTrustStore(stack, 'origin-pull-trust', { name: f.namePrefix, caPem, bucket: f.logs }) : undefined;
  const routes = publicServiceTargets(stack, loadBalancer, eks, [general]);
  stack.origin.loadBalancer = {
    dnsName: loadBalancer.alb.dnsName,
    arn: loadBalancer.alb.arn,
    routes,
    ...(trustStore ? { trustStoreArn: trustStore.trustStore.arn } : {}),
  };

  new TerraformOutput(stack, 'eks_cluster_name', { value: eks.cluster.name });
  new TerraformOutput(stack, 'eks_cluster_endpoint', { value: eks.cluster.endpoint });
  new TerraformOutput(stack, 'eks_cluster_ca', { value: eks.cluster.certificateAuthority.get(0).data });
  return { eks, general, cockroachPool, autoscalerIdentity, loadBalancer, clientSecurityGroup: { id: eks.nodeSecurityGroupId } };
}

/**
 * A target group per public port of every service the environment runs (`services/*.yaml`:
 * `public`, `paths`, `nodePort`), registered through the node groups that run the product's pods
 * (the general pool; the CockroachDB pool is tainted for the database alone). Target group ids are
 * `target-<service>-<port>`; names `<prefix>-<node port>`, unique in the region because node ports
 * are unique per cluster.
 */
function publicServiceTargets(stack: RegionalStack, loadBalancer: LoadBalancer, eks: EksCluster, nodeGroups: readonly NodeGroup[]): OriginRoute[] {
  const f = stack.foundation;
  return f.environment.services.flatMap((service) =>
    publicPorts(service).map((port) => {
      // Services with public ports have health endpoints (config/service-kinds.ts: only jobs have none, and no public port).
      const healthCheckPath = service.health?.readinessPath ?? '/';
      const target = new ServiceTargetGroup(stack, `target-${service.name}-${port.name}`, {
        name: `${f.namePrefix.slice(0, 26).replace(/-+$/, '')}-${port.nodePort}`,
        service: service.name,
        portName: port.name,
        nodePort: port.nodePort,
        healthCheckPath,
        deregistrationDelaySeconds: service.drainSeconds,
        loadBalancer,
        nodeSecurityGroupId: eks.nodeSecurityGroupId,
        nodeGroups,
        alarms: f.alarms,
      });
      return {
        service: service.name,
        portName: port.name,
        paths: port.paths,
        hosts: port.route?.hosts ?? [...PUBLIC_HOSTS],
        targetGroupArn: target.targetGroup.arn,
        healthCheckPath,
      };
    }),
  );
}
