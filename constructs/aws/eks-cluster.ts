import { Construct } from 'constructs';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { EksCluster as EksControlPlane } from '@cdktf/provider-aws/lib/eks-cluster';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { METRICS_SERVER_ADDON_VERSIONS } from '../../config/eks-addon-versions';
import { encryptedLogGroup } from './encrypted-log-group';
import { EncryptionKey } from './encryption-key';
import { serviceRole } from './iam';
import { Network } from './network';

/** Props of an EksCluster. */
export interface EksClusterProps {
  /** Cluster name, `<env>-<region>`. */
  readonly clusterName: string;
  readonly network: Network;
  readonly encryptionKey: EncryptionKey;
  /** Kubernetes minor version, e.g. "1.33". */
  readonly kubernetesVersion: string;
  /** CIDRs that may reach the public API endpoint. @default [] (the endpoint is private only) */
  readonly publicApiCidrs?: readonly string[];
  /**
   * CIDRs that may reach the private API endpoint on 443 (the environment's VPCs, so a deployer
   * inside any of them, e.g. a CI runner, plans and applies the apps stacks; docs/cluster-access.md).
   * @default [] (only the cluster's own security group)
   */
  readonly privateApiCidrs?: readonly string[];
  /**
   * Where the apps stacks are deployed from when the endpoint is private only (a deployer inside
   * the environment's VPCs), recorded as the cluster's `stagecraft:api-deployer` tag, which
   * guardrail SC-PUB-14 reads. @default none
   */
  readonly privateApiDeployer?: string;
  /** Days control-plane logs are kept. @default 90 */
  readonly logRetentionDays?: number;
}

/** Tag naming the in-VPC deployer of a cluster whose API endpoint is private only (guardrail SC-PUB-14). */
export const API_DEPLOYER_TAG = 'stagecraft:api-deployer';

/** Control-plane log types, all of them: audit and authenticator logs are what an incident needs. */
const CONTROL_PLANE_LOGS = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

/**
 * An EKS control plane with secrets encrypted by KMS, every control-plane log type
 * kept in an encrypted log group, access entries (not aws-auth), a private endpoint,
 * and the add-ons a production cluster needs: VPC CNI, CoreDNS, kube-proxy, the Pod
 * Identity agent, the EBS CSI driver (volumes for StatefulSets) and metrics-server (the
 * resource metrics every HorizontalPodAutoscaler reads; EKS does not install it).
 */
export class EksCluster extends Construct {
  readonly cluster: EksControlPlane;
  readonly clusterRole: IamRole;
  /** Security group EKS puts on nodes and the control plane; data stores admit it. */
  readonly nodeSecurityGroupId: string;
  readonly name: string;
  readonly kubernetesVersion: string;
  readonly addons: Record<string, EksAddon> = {};

  constructor(scope: Construct, id: string, props: EksClusterProps) {
    super(scope, id);
    const publicApiCidrs = props.publicApiCidrs ?? [];
    const privateApiCidrs = props.privateApiCidrs ?? [];
    const logRetentionDays = props.logRetentionDays ?? 90;
    this.name = props.clusterName;
    this.kubernetesVersion = props.kubernetesVersion;

    this.clusterRole = serviceRole(this, 'cluster-role', {
      name: `${props.clusterName}-eks-cluster`,
      service: 'eks.amazonaws.com',
      managedPolicies: ['AmazonEKSClusterPolicy'],
      extraTrustActions: ['sts:TagSession'],
    });
    // Created here, before the cluster, so EKS writes into an encrypted group with a retention.
    const logGroup = encryptedLogGroup(this, 'logs', {
      name: `/aws/eks/${props.clusterName}/cluster`,
      retentionDays: logRetentionDays,
      encryptionKey: props.encryptionKey,
    });
    const apiSecurityGroup = new SecurityGroup(this, 'api-sg', {
      name: `${props.clusterName}-eks-api`,
      description: `${props.clusterName}: extra rules for the EKS API endpoint`,
      vpcId: props.network.vpc.id,
    });
    // The control plane's ENIs carry this group: deployers inside the environment's VPCs reach the private endpoint (review F4).
    privateApiCidrs.forEach(
      (cidr, i) =>
        new VpcSecurityGroupIngressRule(this, `api-from-vpc-${i}`, {
          securityGroupId: apiSecurityGroup.id,
          cidrIpv4: cidr,
          ipProtocol: 'tcp',
          fromPort: 443,
          toPort: 443,
          description: 'Kubernetes API from inside the environment',
        }),
    );

    this.cluster = new EksControlPlane(this, 'cluster', {
      name: props.clusterName,
      version: props.kubernetesVersion,
      roleArn: this.clusterRole.arn,
      enabledClusterLogTypes: CONTROL_PLANE_LOGS,
      vpcConfig: {
        subnetIds: props.network.privateSubnets.map((s) => s.id),
        securityGroupIds: [apiSecurityGroup.id],
        endpointPrivateAccess: true,
        endpointPublicAccess: publicApiCidrs.length > 0,
        publicAccessCidrs: publicApiCidrs.length > 0 ? [...publicApiCidrs] : undefined,
      },
      encryptionConfig: { resources: ['secrets'], provider: { keyArn: props.encryptionKey.arn } },
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: true },
      upgradePolicy: { supportType: 'STANDARD' },
      dependsOn: [logGroup],
      tags: props.privateApiDeployer === undefined ? undefined : { [API_DEPLOYER_TAG]: props.privateApiDeployer },
    });
    this.nodeSecurityGroupId = this.cluster.vpcConfig.clusterSecurityGroupId;

    // The VPC CNI enforces NetworkPolicies only when asked to; the apps stack relies on them.
    const configuration: Record<string, string> = { 'vpc-cni': JSON.stringify({ enableNetworkPolicy: 'true' }) };
    for (const addon of ['vpc-cni', 'kube-proxy', 'eks-pod-identity-agent']) {
      this.addons[addon] = new EksAddon(this, addon, {
        clusterName: this.cluster.name,
        addonName: addon,
        resolveConflictsOnUpdate: 'OVERWRITE',
        configurationValues: configuration[addon],
      });
    }
  }

  /**
   * Adds the add-ons that run as pods (CoreDNS, EBS CSI driver, metrics-server). Call after a
   * node group exists, so their pods have somewhere to schedule.
   */
  addWorkloadAddons(dependsOn: Construct[]): void {
    const ebsCsiRole = serviceRole(this, 'ebs-csi-role', {
      name: `${this.name}-ebs-csi`,
      service: 'pods.eks.amazonaws.com',
      managedPolicies: ['service-role/AmazonEBSCSIDriverPolicy'],
      extraTrustActions: ['sts:TagSession'],
    });
    const association = new EksPodIdentityAssociation(this, 'ebs-csi-identity', {
      clusterName: this.cluster.name,
      namespace: 'kube-system',
      serviceAccount: 'ebs-csi-controller-sa',
      roleArn: ebsCsiRole.arn,
    });
    this.addons.coredns = new EksAddon(this, 'coredns', {
      clusterName: this.cluster.name,
      addonName: 'coredns',
      resolveConflictsOnUpdate: 'OVERWRITE',
      dependsOn: dependsOn as never[],
    });
    this.addons['aws-ebs-csi-driver'] = new EksAddon(this, 'aws-ebs-csi-driver', {
      clusterName: this.cluster.name,
      addonName: 'aws-ebs-csi-driver',
      resolveConflictsOnUpdate: 'OVERWRITE',
      dependsOn: [...(dependsOn as never[]), association],
    });
    const metricsServerVersion = METRICS_SERVER_ADDON_VERSIONS[this.kubernetesVersion];
    if (metricsServerVersion === undefined) throw new Error(`no metrics-server add-on version pinned for Kubernetes ${this.kubernetesVersion}`);
    this.addons['metrics-server'] = new EksAddon(this, 'metrics-server', {
      clusterName: this.cluster.name,
      addonName: 'metrics-server',
      addonVersion: metricsServerVersion,
      resolveConflictsOnUpdate: 'OVERWRITE',
      dependsOn: dependsOn as never[],
    });
  }
}
