/** CloudWatch log groups are encrypted with a customer-managed key (Checkov CKV_AWS_158). */
import { ResourceRule } from '../../types';
import { expectPresent } from '../../outcomes';

export const LogGroupEncrypted: ResourceRule = {
  id: 'SC-EAR-12',
  name: 'LogGroupEncrypted',
  family: 'encryption-at-rest',
  scope: 'resource',
  resourceTypes: ['aws_cloudwatch_log_group'],
  description: 'Log groups set kms_key_id; logs can hold statements, headers and tokens.',
  evaluate(group) {
    return expectPresent(group.values, 'kms_key_id', 'name the region key');
  },
};
