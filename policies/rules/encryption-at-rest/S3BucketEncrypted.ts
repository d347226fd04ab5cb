/** Every bucket declares default encryption (Checkov CKV_AWS_19, cdk-nag S3 encryption rules). */
import { ResourceRule } from '../../types';
import { read } from '../../../synthesis/values';
import { allOf, compliant, expect, nonCompliant } from '../../outcomes';
import { bucketCompanions } from '../helpers';

const ALGORITHMS = ['AES256', 'aws:kms', 'aws:kms:dsse'];
const ALGORITHM_PATH = 'rule.apply_server_side_encryption_by_default.sse_algorithm';

export const S3BucketEncrypted: ResourceRule = {
  id: 'SC-EAR-4',
  name: 'S3BucketEncrypted',
  family: 'encryption-at-rest',
  scope: 'resource',
  resourceTypes: ['aws_s3_bucket'],
  description: 'Every bucket has a server-side encryption configuration with SSE-S3 or SSE-KMS.',
  evaluate(bucket, stack) {
    const inline = read(bucket.values, 'server_side_encryption_configuration');
    const configurations = bucketCompanions(stack, 'aws_s3_bucket_server_side_encryption_configuration', bucket);
    if (configurations.length === 0 && inline.kind === 'absent') {
      return nonCompliant('no aws_s3_bucket_server_side_encryption_configuration refers to this bucket; declare its default encryption');
    }
    const requirement = `sse_algorithm must be one of ${ALGORITHMS.join(', ')}`;
    const outcomes = configurations.map((c) => expect(c.values, ALGORITHM_PATH, (v) => ALGORITHMS.includes(String(v)), requirement));
    if (inline.kind !== 'absent')
      outcomes.push(expect(bucket.values, `server_side_encryption_configuration.${ALGORITHM_PATH}`, (v) => ALGORITHMS.includes(String(v)), requirement));
    return outcomes.length > 0 ? allOf(...outcomes) : compliant();
  },
};
