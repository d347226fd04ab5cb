/**
 * A customer-managed key that encrypts the EBS volumes of instances Auto Scaling launches (EKS
 * managed node groups, Auto Scaling groups) lets the Auto Scaling service-linked role use it.
 * A service-linked role cannot be granted KMS through IAM; without the key policy statement,
 * instances terminate at launch and the node group fails after a long wait (review F3).
 */
import { ResourceRule, ResourceView, StackView } from '../../types';
import { compliant, couldNotEvaluate, nonCompliant, notApplicable } from '../../outcomes';
import { launchTemplateOf } from '../helpers';
import { conditionValues, keyStatements, missingActions, principals, Statement } from './key-policy';

const ROLE_SUFFIX = ':role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling';
const VOLUME_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'];

/** True when the statement's principal is the Auto Scaling role, named or as `*` narrowed by `aws:PrincipalArn`. */
const forAutoScaling = (s: Statement): boolean =>
  principals(s, 'AWS').some((p) => p.endsWith(ROLE_SUFFIX)) ||
  (principals(s, 'AWS').includes('*') && conditionValues(s, 'aws:PrincipalArn').some((arn) => arn.endsWith(ROLE_SUFFIX)));

/** Launch templates Auto Scaling launches from (node groups' and groups'), whose volumes use the key. */
function launchedTemplatesUsing(key: ResourceView, stack: StackView): ResourceView[] {
  const launchers = [...stack.resources('aws_eks_node_group'), ...stack.resources('aws_autoscaling_group')];
  const templates = new Set(launchers.map((l) => launchTemplateOf(l, stack)).filter((t): t is ResourceView => t !== undefined));
  const usingKey = stack.referencing('aws_launch_template', 'block_device_mappings.ebs.kms_key_id', key);
  return usingKey.filter((t) => templates.has(t));
}

export const KmsKeyAllowsAutoScaling: ResourceRule = {
  id: 'SC-PRE-7',
  name: 'KmsKeyAllowsAutoScaling',
  family: 'preflight',
  scope: 'resource',
  resourceTypes: ['aws_kms_key'],
  description:
    'A key that encrypts volumes of launch templates used by node groups or Auto Scaling groups allows AWSServiceRoleForAutoScaling to use it and to create grants for AWS resources.',
  evaluate(key, stack) {
    const templates = launchedTemplatesUsing(key, stack);
    if (templates.length === 0) return notApplicable('no Auto Scaling launch template encrypts volumes with this key');
    const read = keyStatements(key, stack);
    if ('unreadable' in read) return couldNotEvaluate(read.unreadable);
    const missing = [
      ...missingActions(read.statements, forAutoScaling, VOLUME_ACTIONS),
      ...missingActions(read.statements, (s) => forAutoScaling(s) && conditionValues(s, 'kms:GrantIsForAWSResource').some((v) => String(v) === 'true'), [
        'kms:CreateGrant',
      ]),
    ];
    if (missing.length === 0) return compliant();
    return nonCompliant(
      `${templates.map((t) => t.address).join(', ')} encrypt volumes with this key, but its policy does not allow AWSServiceRoleForAutoScaling ${missing.join(', ')}` +
        ' (kms:CreateGrant with kms:GrantIsForAWSResource); instances would terminate at launch',
    );
  },
};
