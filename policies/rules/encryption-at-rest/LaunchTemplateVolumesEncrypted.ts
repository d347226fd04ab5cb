/** Launch templates encrypt every EBS volume they declare (Checkov CKV_AWS_8 for launch configurations). */
import { ResourceRule } from '../../types';
import { readAll } from '../../../synthesis/values';
import { allOf, expectBoolean, nonCompliant } from '../../outcomes';

export const LaunchTemplateVolumesEncrypted: ResourceRule = {
  id: 'SC-EAR-7',
  name: 'LaunchTemplateVolumesEncrypted',
  family: 'encryption-at-rest',
  scope: 'resource',
  resourceTypes: ['aws_launch_template'],
  description: 'Launch templates declare their block devices, each with ebs.encrypted = true.',
  evaluate(template) {
    const mappings = readAll(template.values, 'block_device_mappings').flatMap((m) => (Array.isArray(m) ? m : [m]));
    if (mappings.length === 0) {
      return nonCompliant('block_device_mappings is not set, so the root volume follows the AMI and may be unencrypted; declare it with ebs.encrypted = true');
    }
    return allOf(...mappings.map((m, i) => expectBoolean(m, 'ebs.encrypted', true, `set block_device_mappings[${i}].ebs.encrypted = true`)));
  },
};
