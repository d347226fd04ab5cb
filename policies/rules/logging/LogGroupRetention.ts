/** Log groups expire their events (Checkov CKV_AWS_66/338). */
import { ResourceRule } from '../../types';
import { asNumber } from '../../../synthesis/values';
import { expect } from '../../outcomes';

export const LogGroupRetention: ResourceRule = {
  id: 'SC-LOG-10',
  name: 'LogGroupRetention',
  family: 'logging',
  scope: 'resource',
  resourceTypes: ['aws_cloudwatch_log_group'],
  description: 'Log groups set retention_in_days (unset keeps events forever, at a cost).',
  evaluate(group) {
    return expect(group.values, 'retention_in_days', (v) => (asNumber(v) ?? 0) > 0, 'set a retention (e.g. 30 or 90 days)');
  },
};
