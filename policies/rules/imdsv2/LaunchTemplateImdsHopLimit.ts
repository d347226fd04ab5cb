/**
 * The metadata service answers only as far as it should. A template that cluster nodes (or
 * anything but standalone hosts) launch from sets hop limit 1, so pods cannot take the node's
 * role (EKS uses 2 when it is unset). A template that only standalone instances launch from (the
 * compose hosts of launch and traction) may set 2: their containers, on Docker's bridge network,
 * are one hop further and use the instance role for the stores they reach with IAM
 * (docs/credentials.md); never more.
 */
import { ResourceRule, ResourceView, StackView } from '../../types';
import { asNumber } from '../../../synthesis/values';
import { expect } from '../../outcomes';
import { launchTemplateOf } from '../helpers';

/** Hop limit a standalone host's template may set so that its containers reach the instance role. */
export const STANDALONE_HOST_HOP_LIMIT = 2;

/** Whether only standalone instances (no node group, no Auto Scaling group) launch from the template, and at least one does. */
function onlyStandaloneHosts(template: ResourceView, stack: StackView): boolean {
  const uses = (type: string) => stack.resources(type).some((r) => launchTemplateOf(r, stack)?.address === template.address);
  return uses('aws_instance') && !uses('aws_eks_node_group') && !uses('aws_autoscaling_group');
}

export const LaunchTemplateImdsHopLimit: ResourceRule = {
  id: 'SC-IMD-2',
  name: 'LaunchTemplateImdsHopLimit',
  family: 'imdsv2',
  scope: 'resource',
  resourceTypes: ['aws_launch_template'],
  description:
    'Launch templates set metadata_options.http_put_response_hop_limit explicitly: 1 (EKS uses 2 when it is unset), or 2 on a template only standalone compose hosts launch from, whose containers use the instance role.',
  evaluate(template, stack) {
    if (onlyStandaloneHosts(template, stack))
      return expect(
        template.values,
        'metadata_options.http_put_response_hop_limit',
        (v) => asNumber(v) === 1 || asNumber(v) === STANDALONE_HOST_HOP_LIMIT,
        `set it to 1, or ${STANDALONE_HOST_HOP_LIMIT} for the host's containers to use the instance role; more lets any further hop take it`,
      );
    return expect(
      template.values,
      'metadata_options.http_put_response_hop_limit',
      (v) => asNumber(v) === 1,
      "set it to 1; with 2 or more, pods can take the node role's credentials",
    );
  },
};
