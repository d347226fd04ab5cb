/**
 * EKS managed node groups launch from a template that requires IMDSv2 with one hop. Without a
 * template, EKS gives nodes a hop limit of 2, and any pod can use the node role.
 */
import { ResourceRule } from '../../types';
import { allOf, compliant, couldNotEvaluate, nonCompliant } from '../../outcomes';
import { hasLaunchTemplate, launchTemplateOf } from '../helpers';
import { LaunchTemplateImdsHopLimit } from './LaunchTemplateImdsHopLimit';
import { LaunchTemplateImdsv2Required } from './LaunchTemplateImdsv2Required';

export const EksNodeGroupHardenedTemplate: ResourceRule = {
  id: 'SC-IMD-4',
  name: 'EksNodeGroupHardenedTemplate',
  family: 'imdsv2',
  scope: 'resource',
  resourceTypes: ['aws_eks_node_group'],
  description: 'EKS node groups set launch_template to a template with http_tokens "required" and hop limit 1.',
  evaluate(group, stack) {
    if (!hasLaunchTemplate(group))
      return nonCompliant('no launch_template, so EKS applies its own metadata options (hop limit 2); use a template with IMDSv2 and hop limit 1');
    const template = launchTemplateOf(group, stack);
    if (!template) return couldNotEvaluate('launch_template points at a template outside this stack');
    const outcome = allOf(LaunchTemplateImdsv2Required.evaluate(template, stack), LaunchTemplateImdsHopLimit.evaluate(template, stack));
    return outcome.status === 'non-compliant'
      ? nonCompliant(`its launch template ${template.address}: ${outcome.message}`)
      : outcome.status === 'compliant'
        ? compliant()
        : outcome;
  },
};
