/** Amazon MQ brokers encrypt with a customer-managed key (Checkov CKV_AWS_209). */
import { ResourceRule } from '../../types';
import { expectBoolean, expectPresent } from '../../outcomes';

export const MqBrokerCustomerManagedKey: ResourceRule = {
  id: 'SC-EAR-11',
  name: 'MqBrokerCustomerManagedKey',
  family: 'encryption-at-rest',
  scope: 'resource',
  resourceTypes: ['aws_mq_broker'],
  description: 'Amazon MQ brokers set encryption_options.use_aws_owned_key = false and a kms_key_id.',
  evaluate(broker) {
    const ownedKey = expectBoolean(
      broker.values,
      'encryption_options.use_aws_owned_key',
      false,
      'use a customer-managed key (use_aws_owned_key = false)',
      true,
    );
    if (ownedKey.status !== 'compliant') return ownedKey;
    return expectPresent(broker.values, 'encryption_options.kms_key_id', 'name the customer-managed key');
  },
};
