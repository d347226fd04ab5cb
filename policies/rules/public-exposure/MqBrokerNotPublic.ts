/** Amazon MQ brokers are not publicly accessible (Checkov CKV_AWS_69). */
import { ResourceRule } from '../../types';
import { expectBoolean } from '../../outcomes';

export const MqBrokerNotPublic: ResourceRule = {
  id: 'SC-PUB-5',
  name: 'MqBrokerNotPublic',
  family: 'public-exposure',
  scope: 'resource',
  resourceTypes: ['aws_mq_broker'],
  description: 'Amazon MQ brokers keep publicly_accessible = false (the default).',
  evaluate(broker) {
    return expectBoolean(broker.values, 'publicly_accessible', false, 'set publicly_accessible = false (changing it replaces the broker)', false);
  },
};
