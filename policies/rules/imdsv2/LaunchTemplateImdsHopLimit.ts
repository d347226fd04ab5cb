/** The metadata service is one hop away only, so containers cannot reach the node's role. */
import { ResourceRule } from '../../types';
import { asNumber } from '../../../synthesis/values';
import { expect } from '../../outcomes';

export const LaunchTemplateImdsHopLimit: ResourceRule = {
  id: 'SC-IMD-2',
  name: 'LaunchTemplateImdsHopLimit',
  family: 'imdsv2',
  scope: 'resource',
  resourceTypes: ['aws_launch_template'],
  description: 'Launch templates set metadata_options.http_put_response_hop_limit = 1 explicitly (EKS uses 2 when it is unset).',
  evaluate(template) {
    return expect(
      template.values,
      'metadata_options.http_put_response_hop_limit',
      (v) => asNumber(v) === 1,
      "set it to 1; with 2 or more, pods can take the node role's credentials",
    );
  },
};
