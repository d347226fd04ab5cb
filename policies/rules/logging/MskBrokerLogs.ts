/** MSK writes broker logs somewhere (Checkov CKV_AWS_80). */
import { ResourceRule } from '../../types';
import { asBoolean, readAll } from '../../../synthesis/values';
import { compliant, nonCompliant } from '../../outcomes';

export const MskBrokerLogs: ResourceRule = {
  id: 'SC-LOG-5',
  name: 'MskBrokerLogs',
  family: 'logging',
  scope: 'resource',
  resourceTypes: ['aws_msk_cluster'],
  description: 'MSK clusters enable broker logs to CloudWatch Logs, Firehose or S3 (logging_info.broker_logs).',
  evaluate(cluster) {
    const on = ['cloudwatch_logs', 'firehose', 's3'].some((sink) =>
      readAll(cluster.values, `logging_info.broker_logs.${sink}.enabled`).some((v) => asBoolean(v) === true || (typeof v === 'string' && v.includes('${'))),
    );
    return on ? compliant() : nonCompliant('logging_info.broker_logs enables no destination; send broker logs to an encrypted log group');
  },
};
