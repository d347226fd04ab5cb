/** Encrypted RDS storage uses a customer-managed KMS key, so key policy and rotation are ours (Checkov CKV_AWS_354). */
import { ResourceRule } from '../../types';
import { asBoolean, read } from '../../../synthesis/values';
import { expectPresent, notApplicable } from '../../outcomes';
import { isReadReplica } from '../helpers';

export const RdsCustomerManagedKey: ResourceRule = {
  id: 'SC-EAR-2',
  name: 'RdsCustomerManagedKey',
  family: 'encryption-at-rest',
  scope: 'resource',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
  description: 'RDS instances and Aurora clusters name a customer-managed key in kms_key_id.',
  evaluate(resource) {
    if (isReadReplica(resource) && read(resource.values, 'kms_key_id').kind === 'absent') {
      return notApplicable("a read replica in the same region uses its source's key");
    }
    const encrypted = read(resource.values, 'storage_encrypted');
    if (encrypted.kind === 'value' && asBoolean(encrypted.value) === false) return notApplicable('storage is not encrypted (SC-EAR-1 reports it)');
    return expectPresent(
      resource.values,
      'kms_key_id',
      "name the region's customer-managed key; the AWS-managed aws/rds key cannot be shared or audited by key policy",
    );
  },
};
