/** Buckets use SSE-KMS with a customer-managed key, not SSE-S3 (Checkov CKV_AWS_145). */
import { ResourceRule } from '../../types';
import { allOf, expect, expectPresent, notApplicable } from '../../outcomes';
import { bucketCompanions } from '../helpers';

export const S3BucketKmsEncrypted: ResourceRule = {
  id: 'SC-EAR-5',
  name: 'S3BucketKmsEncrypted',
  family: 'encryption-at-rest',
  scope: 'resource',
  resourceTypes: ['aws_s3_bucket'],
  description: 'Bucket default encryption is aws:kms with a customer-managed key (kms_master_key_id).',
  evaluate(bucket, stack) {
    const configurations = bucketCompanions(stack, 'aws_s3_bucket_server_side_encryption_configuration', bucket);
    if (configurations.length === 0) return notApplicable('no encryption configuration (SC-EAR-4 reports it)');
    const path = 'rule.apply_server_side_encryption_by_default';
    return allOf(
      ...configurations.flatMap((c) => [
        expect(c.values, `${path}.sse_algorithm`, (v) => v === 'aws:kms' || v === 'aws:kms:dsse', 'use "aws:kms" with the region key'),
        expectPresent(c.values, `${path}.kms_master_key_id`, 'name the customer-managed key, not the AWS-managed aws/s3 key'),
      ]),
    );
  },
};
