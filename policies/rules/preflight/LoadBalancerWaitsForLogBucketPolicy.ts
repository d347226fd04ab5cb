/**
 * A load balancer that writes access logs depends on the log bucket's policy: ELB checks that it
 * may write there when access logs are enabled (review F5: "Access Denied for bucket").
 */
import { ResourceRule } from '../../types';
import { asBoolean, asStrings, read } from '../../../synthesis/values';
import { compliant, nonCompliant, notApplicable } from '../../outcomes';
import { bucketCompanions } from '../helpers';

export const LoadBalancerWaitsForLogBucketPolicy: ResourceRule = {
  id: 'SC-PRE-13',
  name: 'LoadBalancerWaitsForLogBucketPolicy',
  family: 'preflight',
  scope: 'resource',
  resourceTypes: ['aws_lb'],
  description: "A load balancer with access logs to a bucket of the stack lists that bucket's aws_s3_bucket_policy in depends_on.",
  evaluate(balancer, stack) {
    const enabled = read(balancer.values, 'access_logs.enabled');
    if (enabled.kind !== 'value' || asBoolean(enabled.value) !== true) return notApplicable('access logs are off');
    const target = read(balancer.values, 'access_logs.bucket');
    const bucket =
      target.kind === 'expression'
        ? stack.referenced(target.expression)
        : stack.resources('aws_s3_bucket').find((b) => target.kind === 'value' && b.values.bucket === target.value);
    if (!bucket || bucket.type !== 'aws_s3_bucket') return notApplicable('the log bucket is not in this stack');
    const policies = bucketCompanions(stack, 'aws_s3_bucket_policy', bucket);
    if (policies.length === 0) return nonCompliant(`access logs go to ${bucket.address}, which has no bucket policy letting ELB write`);
    const dependsOn = asStrings(balancer.values.depends_on);
    const missing = policies.filter((p) => !dependsOn.includes(p.address));
    if (missing.length === 0) return compliant();
    return nonCompliant(
      `access logs go to ${bucket.address}, but the load balancer does not depend on ${missing.map((p) => p.address).join(', ')}; on a first apply ELB may be refused`,
    );
  },
};
