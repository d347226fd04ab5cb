/** SNS topics are encrypted (Checkov CKV_AWS_26, cdk-nag SNS2). */
import { ResourceRule } from '../../types';
import { expectPresent } from '../../outcomes';

export const SnsTopicEncrypted: ResourceRule = {
  id: 'SC-EAR-13',
  name: 'SnsTopicEncrypted',
  family: 'encryption-at-rest',
  scope: 'resource',
  resourceTypes: ['aws_sns_topic'],
  description: 'SNS topics set kms_master_key_id.',
  evaluate(topic) {
    return expectPresent(topic.values, 'kms_master_key_id', 'name the region key');
  },
};
