/** Amazon MQ writes general logs (Checkov CKV_AWS_48). */
import { ResourceRule } from '../../types';
import { expectBoolean } from '../../outcomes';

export const MqBrokerLogs: ResourceRule = {
  id: 'SC-LOG-6',
  name: 'MqBrokerLogs',
  family: 'logging',
  scope: 'resource',
  resourceTypes: ['aws_mq_broker'],
  description: 'Amazon MQ brokers set logs.general = true (audit logs exist for ActiveMQ only).',
  evaluate(broker) {
    return expectBoolean(broker.values, 'logs.general', true, 'set logs.general = true', false);
  },
};
