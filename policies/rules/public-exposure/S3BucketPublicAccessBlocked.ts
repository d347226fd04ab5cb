/** Every bucket blocks public access with all four settings (Checkov CKV_AWS_53–56, cdk-nag S2). */
import { ResourceRule } from '../../types';
import { allOf, expectBoolean, nonCompliant } from '../../outcomes';
import { bucketCompanions } from '../helpers';

const SETTINGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];

export const S3BucketPublicAccessBlocked: ResourceRule = {
  id: 'SC-PUB-4',
  name: 'S3BucketPublicAccessBlocked',
  family: 'public-exposure',
  scope: 'resource',
  resourceTypes: ['aws_s3_bucket'],
  description: 'Every bucket has an aws_s3_bucket_public_access_block with all four settings true.',
  evaluate(bucket, stack) {
    const blocks = bucketCompanions(stack, 'aws_s3_bucket_public_access_block', bucket);
    if (blocks.length === 0) return nonCompliant('no aws_s3_bucket_public_access_block refers to this bucket; add one with all four settings true');
    return allOf(...blocks.flatMap((b) => SETTINGS.map((s) => expectBoolean(b.values, s, true, `set ${s} = true`, false))));
  },
};
