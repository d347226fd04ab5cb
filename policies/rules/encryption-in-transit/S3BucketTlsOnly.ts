/**
 * Buckets refuse requests that are not TLS: their policy denies every principal every action
 * when `aws:SecureTransport` is false (cdk-nag S10, Checkov CKV2_AWS's S3 secure-transport check).
 */
import { decodePolicy, JsonValue, statements, stringList } from '../../../synthesis/policy-document';
import { ResourceRule, ResourceView, StackView } from '../../types';
import { compliant, couldNotEvaluate, nonCompliant } from '../../outcomes';
import { bucketCompanions } from '../helpers';

function isEveryone(principal: JsonValue | undefined): boolean {
  if (principal === '*') return true;
  if (principal !== null && typeof principal === 'object' && !Array.isArray(principal)) return stringList(principal.AWS).includes('*');
  return false;
}

function deniesInsecureTransport(statement: Record<string, JsonValue>): boolean {
  if (statement.Effect !== 'Deny' || !isEveryone(statement.Principal)) return false;
  const actions = stringList(statement.Action);
  if (!actions.includes('s3:*') && !actions.includes('*')) return false;
  const condition = statement.Condition;
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) return false;
  const bool = condition.Bool;
  if (bool === null || typeof bool !== 'object' || Array.isArray(bool)) return false;
  const secure = bool['aws:SecureTransport'];
  return secure === false || secure === 'false';
}

export const S3BucketTlsOnly: ResourceRule = {
  id: 'SC-EIT-6',
  name: 'S3BucketTlsOnly',
  family: 'encryption-in-transit',
  scope: 'resource',
  resourceTypes: ['aws_s3_bucket'],
  description: 'Every bucket has a policy with a Deny of s3:* to "*" when aws:SecureTransport is false.',
  evaluate(bucket: ResourceView, stack: StackView) {
    const policies = bucketCompanions(stack, 'aws_s3_bucket_policy', bucket);
    if (policies.length === 0) return nonCompliant('no aws_s3_bucket_policy refers to this bucket; add one that denies requests without TLS');
    const unresolved: string[] = [];
    for (const policy of policies) {
      const decoded = decodePolicy(policy.values.policy);
      if ('unresolved' in decoded) {
        unresolved.push(policy.address);
        continue;
      }
      if (statements(decoded.document).some(deniesInsecureTransport)) return compliant();
    }
    if (unresolved.length > 0) return couldNotEvaluate(`the policy of ${unresolved.join(', ')} is an expression that cannot be read before apply`);
    return nonCompliant(`the bucket policy has no statement denying s3:* to "*" when aws:SecureTransport is false`);
  },
};
