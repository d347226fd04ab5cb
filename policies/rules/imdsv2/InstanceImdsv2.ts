/** EC2 instances require IMDSv2 with one hop, directly or through their launch template. */
import { ResourceRule } from '../../types';
import { asNumber, read } from '../../../synthesis/values';
import { allOf, compliant, couldNotEvaluate, expect, nonCompliant } from '../../outcomes';
import { hasLaunchTemplate, launchTemplateOf } from '../helpers';
import { LaunchTemplateImdsHopLimit } from './LaunchTemplateImdsHopLimit';
import { LaunchTemplateImdsv2Required } from './LaunchTemplateImdsv2Required';

export const InstanceImdsv2: ResourceRule = {
  id: 'SC-IMD-3',
  name: 'InstanceImdsv2',
  family: 'imdsv2',
  scope: 'resource',
  resourceTypes: ['aws_instance'],
  description: 'EC2 instances set metadata_options (http_tokens "required", hop limit 1), or launch from a template that does.',
  evaluate(instance, stack) {
    if (read(instance.values, 'metadata_options').kind !== 'absent') {
      return allOf(
        expect(instance.values, 'metadata_options.http_tokens', (v) => v === 'required', 'set it to "required"'),
        expect(instance.values, 'metadata_options.http_put_response_hop_limit', (v) => asNumber(v) === 1, 'set it to 1'),
      );
    }
    if (!hasLaunchTemplate(instance)) return nonCompliant('neither metadata_options nor a launch template is set, so IMDSv1 stays available');
    const template = launchTemplateOf(instance, stack);
    if (!template) return couldNotEvaluate('launch_template points at a template outside this stack');
    const outcome = allOf(LaunchTemplateImdsv2Required.evaluate(template, stack), LaunchTemplateImdsHopLimit.evaluate(template, stack));
    return outcome.status === 'non-compliant'
      ? nonCompliant(`its launch template ${template.address}: ${outcome.message}`)
      : outcome.status === 'compliant'
        ? compliant()
        : outcome;
  },
};
