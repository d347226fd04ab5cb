/** A scheduled key deletion waits the longest window, 30 days, to leave time to notice a mistake. */
import { ResourceRule } from '../../types';
import { asNumber } from '../../../synthesis/values';
import { expect } from '../../outcomes';

export const KmsKeyDeletionWindow: ResourceRule = {
  id: 'SC-KMS-2',
  name: 'KmsKeyDeletionWindow',
  family: 'kms-rotation',
  scope: 'resource',
  resourceTypes: ['aws_kms_key'],
  description: 'KMS keys keep deletion_window_in_days at 30 (the default and the maximum).',
  evaluate(key) {
    return expect(
      key.values,
      'deletion_window_in_days',
      (v) => v === undefined || asNumber(v) === 30,
      'keep it at 30 days: data encrypted under a deleted key is gone',
    );
  },
};
