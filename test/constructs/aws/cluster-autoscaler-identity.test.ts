import { ClusterAutoscalerIdentity } from '../../../constructs/aws/cluster-autoscaler-identity';
import { EksCluster } from '../../../constructs/aws/eks-cluster';
import { NodeGroup } from '../../../constructs/aws/node-group';
import { logicalName, NAME_PREFIX, synthWithFoundation } from '../../helpers/foundation';
import { resourcesOfType } from '../../helpers/synth';

function identity() {
  return synthWithFoundation((scope, foundation) => {
    const eks = new EksCluster(scope, 'eks', {
      clusterName: NAME_PREFIX,
      network: foundation.network,
      encryptionKey: foundation.encryptionKey,
      kubernetesVersion: '1.33',
    });
    const group = (name: string) =>
      new NodeGroup(scope, `nodes-${name}`, {
        cluster: eks,
        network: foundation.network,
        encryptionKey: foundation.encryptionKey,
        groupName: name,
        instanceType: 'm6i.large',
        nodes: { min: 2, max: 4, desired: 2 },
        rootVolumeGiB: 50,
      });
    new ClusterAutoscalerIdentity(scope, 'cluster-autoscaler', { cluster: eks, nodeGroups: [group('general'), group('cockroachdb')] });
  });
}

type Statement = { Sid: string; Effect: string; Action: string[]; Resource: string | string[]; Condition?: unknown };

describe('ClusterAutoscalerIdentity', () => {
  const stack = identity();
  const role = resourcesOfType(stack, 'aws_iam_role').find((r) => r.name === `${NAME_PREFIX}-cluster-autoscaler`)!;
  const roleName = logicalName(stack, 'aws_iam_role', 'name', `${NAME_PREFIX}-cluster-autoscaler`);

  it('is a role only EKS Pod Identity can assume', () => {
    expect(JSON.parse(String(role.assume_role_policy))).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
    });
    // No managed policy: its only permissions are the inline policy below.
    expect(resourcesOfType(stack, 'aws_iam_role_policy_attachment').filter((a) => String(a.role).includes(roleName))).toEqual([]);
  });

  it('binds the role to the kube-system/cluster-autoscaler service account of the cluster', () => {
    const associations = resourcesOfType(stack, 'aws_eks_pod_identity_association');
    expect(associations).toEqual([
      expect.objectContaining({
        cluster_name: `\${aws_eks_cluster.${logicalName(stack, 'aws_eks_cluster', 'name', NAME_PREFIX)}.name}`,
        namespace: 'kube-system',
        service_account: 'cluster-autoscaler',
        role_arn: `\${aws_iam_role.${roleName}.arn}`,
      }),
    ]);
  });

  it('may resize only Auto Scaling groups the cluster owns, and describe only its own node groups', () => {
    const [policy] = resourcesOfType(stack, 'aws_iam_role_policy');
    expect(policy.role).toBe(`\${aws_iam_role.${roleName}.id}`);
    // The account and partition are read from the key's ARN here (the foundation names no account):
    // terraform expressions whose quotes are not JSON until terraform evaluates them.
    const evaluated = String(policy.policy).replace(/\$\{element\(split\([^}]*\}/g, 'EVALUATED');
    const statements = JSON.parse(evaluated).Statement as Statement[];
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);

    const mutating = statements.flatMap((s) => s.Action.filter((a) => !/:(Describe|Get)/.test(a)).map((action) => ({ action, statement: s })));
    expect(mutating.map((m) => m.action).sort()).toEqual(['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup']);
    for (const { statement } of mutating) {
      expect(statement.Condition).toEqual({ StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${NAME_PREFIX}`]: 'owned' } });
    }

    const nodeGroups = statements.find((s) => s.Action.includes('eks:DescribeNodegroup'))!;
    expect(nodeGroups.Action).toEqual(['eks:DescribeNodegroup']);
    // Built from the cluster's and the group's names: the group's own id is generated at creation.
    expect(nodeGroups.Resource).toEqual(['general', 'cockroachdb'].map((name) => `arn:EVALUATED:eks:us-east-1:EVALUATED:nodegroup/${NAME_PREFIX}/${name}/*`));
    // Nothing else: no wildcard actions, no IAM, no EC2 writes.
    expect(statements.flatMap((s) => s.Action).some((a) => a.includes('*') || a.startsWith('iam:'))).toBe(false);
  });
});
