/** Customer-managed symmetric keys rotate yearly (Checkov CKV_AWS_7, cdk-nag KMS5). */
import { ResourceRule } from '../../types';
import { read } from '../../../synthesis/values';
import { expectBoolean, notApplicable } from '../../outcomes';

export const KmsKeyRotation: ResourceRule = {
  id: 'SC-KMS-1',
  name: 'KmsKeyRotation',
  family: 'kms-rotation',
  scope: 'resource',
  resourceTypes: ['aws_kms_key'],
  description: 'Symmetric KMS keys set enable_key_rotation = true.',
  evaluate(key) {
    const spec = read(key.values, 'customer_master_key_spec');
    if (spec.kind === 'value' && spec.value !== 'SYMMETRIC_DEFAULT') return notApplicable('KMS rotates symmetric keys only');
    return expectBoolean(key.values, 'enable_key_rotation', true, 'set enable_key_rotation = true', false);
  },
};
