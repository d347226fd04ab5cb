/** MSK encrypts broker storage with a customer-managed key (Checkov CKV_AWS_81). */
import { ResourceRule } from '../../types';
import { expectPresent } from '../../outcomes';

export const MskCustomerManagedKey: ResourceRule = {
  id: 'SC-EAR-9',
  name: 'MskCustomerManagedKey',
  family: 'encryption-at-rest',
  scope: 'resource',
  resourceTypes: ['aws_msk_cluster'],
  description: 'MSK clusters set encryption_info.encryption_at_rest_kms_key_arn.',
  evaluate(cluster) {
    return expectPresent(cluster.values, 'encryption_info.encryption_at_rest_kms_key_arn', 'name the region key (changing it replaces the cluster)');
  },
};
