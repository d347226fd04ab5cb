/** Buckets keep object versions, so an overwrite or delete can be undone (Checkov CKV_AWS_21, cdk-nag S3 versioning). */
import { ResourceRule } from '../../types';
import { read } from '../../../synthesis/values';
import { allOf, expect, expectBoolean, nonCompliant } from '../../outcomes';
import { bucketCompanions } from '../helpers';

export const S3BucketVersioning: ResourceRule = {
  id: 'SC-DP-9',
  name: 'S3BucketVersioning',
  family: 'deletion-protection-and-backups',
  scope: 'resource',
  resourceTypes: ['aws_s3_bucket'],
  description: 'Every bucket has an aws_s3_bucket_versioning with status "Enabled".',
  evaluate(bucket, stack) {
    const versioning = bucketCompanions(stack, 'aws_s3_bucket_versioning', bucket);
    if (versioning.length === 0) {
      if (read(bucket.values, 'versioning').kind !== 'absent') return expectBoolean(bucket.values, 'versioning.enabled', true, 'enable versioning', false);
      return nonCompliant('no aws_s3_bucket_versioning refers to this bucket; enable versioning');
    }
    return allOf(...versioning.map((v) => expect(v.values, 'versioning_configuration.status', (s) => s === 'Enabled', 'set it to "Enabled"')));
  },
};
