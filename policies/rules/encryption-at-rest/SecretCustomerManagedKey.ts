/** Secrets Manager secrets use a customer-managed key (Checkov CKV_AWS_149). */
import { ResourceRule } from '../../types';
import { expectPresent } from '../../outcomes';

export const SecretCustomerManagedKey: ResourceRule = {
  id: 'SC-EAR-14',
  name: 'SecretCustomerManagedKey',
  family: 'encryption-at-rest',
  scope: 'resource',
  resourceTypes: ['aws_secretsmanager_secret'],
  description: 'Secrets set kms_key_id to a customer-managed key.',
  evaluate(secret) {
    return expectPresent(secret.values, 'kms_key_id', 'name the region key, not the AWS-managed aws/secretsmanager key');
  },
};
