/** Buckets write server access logs (Checkov CKV_AWS_18, cdk-nag S1). */
import { ResourceRule } from '../../types';
import { read } from '../../../synthesis/values';
import { compliant, nonCompliant } from '../../outcomes';
import { bucketCompanions } from '../helpers';

export const S3BucketAccessLogging: ResourceRule = {
  id: 'SC-LOG-9',
  name: 'S3BucketAccessLogging',
  family: 'logging',
  scope: 'resource',
  resourceTypes: ['aws_s3_bucket'],
  description: 'Every bucket has an aws_s3_bucket_logging (or inline logging) sending server access logs to the log bucket.',
  evaluate(bucket, stack) {
    if (bucketCompanions(stack, 'aws_s3_bucket_logging', bucket).length > 0 || read(bucket.values, 'logging').kind !== 'absent') return compliant();
    return nonCompliant('no aws_s3_bucket_logging refers to this bucket; send its server access logs to the log bucket');
  },
};
