import { Construct } from 'constructs';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { EksCluster } from './eks-cluster';
import { serviceRole } from './iam';
import { NodeGroup } from './node-group';

/** Where the cluster autoscaler runs: its service account in kube-system. */
export const CLUSTER_AUTOSCALER_NAMESPACE = 'kube-system';
export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = 'cluster-autoscaler';

/** Props of a ClusterAutoscalerIdentity. */
export interface ClusterAutoscalerIdentityProps {
  readonly cluster: EksCluster;
  /** Node groups the autoscaler may describe; it changes only groups whose ASG carries the cluster's ownership tag. */
  readonly nodeGroups: readonly NodeGroup[];
}

/**
 * The AWS side of the Kubernetes cluster autoscaler: a role with least privilege, bound to
 * its service account through EKS Pod Identity (the agent add-on runs on every cluster).
 *
 * It may resize or shrink an Auto Scaling group only when the group carries
 * `k8s.io/cluster-autoscaler/<cluster> = owned`, the tag EKS puts on the ASG of every managed
 * node group of that cluster; the describe calls it needs have no resource-level permissions,
 * except `eks:DescribeNodegroup`, limited to this cluster's groups.
 */
export class ClusterAutoscalerIdentity extends Construct {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;
  readonly association: EksPodIdentityAssociation;

  constructor(scope: Construct, id: string, props: ClusterAutoscalerIdentityProps) {
    super(scope, id);
    const clusterName = props.cluster.name;
    this.role = serviceRole(this, 'role', {
      name: `${clusterName}-cluster-autoscaler`,
      service: 'pods.eks.amazonaws.com',
      managedPolicies: [],
      extraTrustActions: ['sts:TagSession'],
    });
    this.policy = new IamRolePolicy(this, 'policy', {
      name: 'cluster-autoscaler',
      role: this.role.id,
      policy: JSON.stringify(
        clusterAutoscalerPolicy(
          clusterName,
          props.nodeGroups.map((group) => group.arnPattern),
        ),
      ),
    });
    this.association = new EksPodIdentityAssociation(this, 'association', {
      clusterName: props.cluster.cluster.name,
      namespace: CLUSTER_AUTOSCALER_NAMESPACE,
      serviceAccount: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
      roleArn: this.role.arn,
    });
  }
}

/** The autoscaler's IAM policy (upstream cluster-autoscaler AWS guide, the restricted variant). */
export function clusterAutoscalerPolicy(clusterName: string, nodeGroupArns: readonly string[]) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ResizeOwnedGroups',
        Effect: 'Allow',
        Action: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
        Resource: '*',
        Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: 'owned' } },
      },
      {
        Sid: 'DescribeNodeGroups',
        Effect: 'Allow',
        Action: ['eks:DescribeNodegroup'],
        Resource: [...nodeGroupArns],
      },
      {
        // These calls support no resource-level permissions.
        Sid: 'DescribeCapacity',
        Effect: 'Allow',
        Action: [
          'autoscaling:DescribeAutoScalingGroups',
          'autoscaling:DescribeAutoScalingInstances',
          'autoscaling:DescribeLaunchConfigurations',
          'autoscaling:DescribeScalingActivities',
          'autoscaling:DescribeTags',
          'ec2:DescribeImages',
          'ec2:DescribeInstanceTypes',
          'ec2:DescribeLaunchTemplateVersions',
          'ec2:GetInstanceTypesFromInstanceRequirements',
        ],
        Resource: '*',
      },
    ],
  };
}
