/** EC2 instances encrypt their root volume, directly or through their launch template. */
import { ResourceRule } from '../../types';
import { read } from '../../../synthesis/values';
import { compliant, couldNotEvaluate, expectBoolean, nonCompliant } from '../../outcomes';
import { hasLaunchTemplate, launchTemplateOf } from '../helpers';
import { LaunchTemplateVolumesEncrypted } from './LaunchTemplateVolumesEncrypted';

export const InstanceRootVolumeEncrypted: ResourceRule = {
  id: 'SC-EAR-8',
  name: 'InstanceRootVolumeEncrypted',
  family: 'encryption-at-rest',
  scope: 'resource',
  resourceTypes: ['aws_instance'],
  description: 'EC2 instances set root_block_device.encrypted = true, or launch from a template whose volumes are encrypted.',
  evaluate(instance, stack) {
    if (read(instance.values, 'root_block_device').kind !== 'absent') {
      return expectBoolean(instance.values, 'root_block_device.encrypted', true, 'set root_block_device.encrypted = true', false);
    }
    if (!hasLaunchTemplate(instance)) return nonCompliant('neither root_block_device nor launch_template is set; the root volume may be unencrypted');
    const template = launchTemplateOf(instance, stack);
    if (!template) return couldNotEvaluate('launch_template points at a template outside this stack');
    const outcome = LaunchTemplateVolumesEncrypted.evaluate(template, stack);
    return outcome.status === 'compliant'
      ? compliant()
      : outcome.status === 'non-compliant'
        ? nonCompliant(`its launch template ${template.address}: ${outcome.message}`)
        : outcome;
  },
};
