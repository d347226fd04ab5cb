/** IAM helpers shared by constructs: trust policies and role creation with managed policies. */
import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';

/** A trust policy letting an AWS service principal assume a role. */
export function serviceTrustPolicy(service: string, extraActions: readonly string[] = []): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: ['sts:AssumeRole', ...extraActions] }],
  });
}

/** Creates a role for `service` and attaches AWS-managed policies by name (`AmazonEKSClusterPolicy`). */
export function serviceRole(
  scope: Construct,
  id: string,
  props: { name: string; service: string; managedPolicies: readonly string[]; extraTrustActions?: readonly string[] },
): IamRole {
  const role = new IamRole(scope, id, { name: props.name, assumeRolePolicy: serviceTrustPolicy(props.service, props.extraTrustActions) });
  for (const policy of props.managedPolicies) {
    const arn = policy.startsWith('arn:') ? policy : `arn:aws:iam::aws:policy/${policy}`;
    new IamRolePolicyAttachment(scope, `${id}-${policy.split('/').pop()}`, { role: role.name, policyArn: arn });
  }
  return role;
}
