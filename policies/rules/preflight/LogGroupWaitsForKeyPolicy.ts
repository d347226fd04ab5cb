/**
 * A log group encrypted with a customer-managed key depends on the key's policy: CloudWatch Logs
 * checks the policy when the group is created, and the key is created with a default policy
 * first (review F5: intermittent first-apply failures).
 */
import { ResourceRule } from '../../types';
import { asStrings, read } from '../../../synthesis/values';
import { compliant, nonCompliant, notApplicable } from '../../outcomes';

export const LogGroupWaitsForKeyPolicy: ResourceRule = {
  id: 'SC-PRE-12',
  name: 'LogGroupWaitsForKeyPolicy',
  family: 'preflight',
  scope: 'resource',
  resourceTypes: ['aws_cloudwatch_log_group'],
  description: "A log group on a customer-managed key of the stack lists that key's aws_kms_key_policy in depends_on.",
  evaluate(group, stack) {
    const key = stack.referenced(read(group.values, 'kms_key_id').kind === 'expression' ? group.values.kms_key_id : undefined);
    if (!key || key.type !== 'aws_kms_key') return notApplicable('not encrypted with a key of this stack');
    const policies = stack.referencing('aws_kms_key_policy', 'key_id', key);
    if (policies.length === 0) return notApplicable('the key has no separate key policy resource');
    const dependsOn = asStrings(group.values.depends_on);
    const missing = policies.filter((p) => !dependsOn.includes(p.address));
    if (missing.length === 0) return compliant();
    return nonCompliant(
      `encrypted with ${key.address}, but does not depend on ${missing.map((p) => p.address).join(', ')}; on a first apply CloudWatch Logs may find the key's default policy and refuse`,
    );
  },
};
