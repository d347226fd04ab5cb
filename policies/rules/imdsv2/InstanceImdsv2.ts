/**
 * EC2 instances require IMDSv2, directly or through their launch template, with hop limit 1, or 2
 * for a standalone host whose containers use the instance role (SC-IMD-2, docs/credentials.md).
 */
import { ResourceRule } from '../../types';
import { asNumber, read } from '../../../synthesis/values';
import { allOf, compliant, couldNotEvaluate, expect, nonCompliant } from '../../outcomes';
import { hasLaunchTemplate, launchTemplateOf } from '../helpers';
import { LaunchTemplateImdsHopLimit, STANDALONE_HOST_HOP_LIMIT } from './LaunchTemplateImdsHopLimit';
import { LaunchTemplateImdsv2Required } from './LaunchTemplateImdsv2Required';

export const InstanceImdsv2: ResourceRule = {
  id: 'SC-IMD-3',
  name: 'InstanceImdsv2',
  family: 'imdsv2',
  scope: 'resource',
  resourceTypes: ['aws_instance'],
  description:
    'EC2 instances set metadata_options (http_tokens "required", hop limit 1, or 2 for the containers of a standalone host), or launch from a template that does.',
  evaluate(instance, stack) {
    if (read(instance.values, 'metadata_options').kind !== 'absent') {
      return allOf(
        expect(instance.values, 'metadata_options.http_tokens', (v) => v === 'required', 'set it to "required"'),
        expect(
          instance.values,
          'metadata_options.http_put_response_hop_limit',
          (v) => asNumber(v) === 1 || asNumber(v) === STANDALONE_HOST_HOP_LIMIT,
          `set it to 1, or ${STANDALONE_HOST_HOP_LIMIT} for the host's containers to use the instance role`,
        ),
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
