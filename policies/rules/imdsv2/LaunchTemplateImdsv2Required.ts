/** Launch templates require IMDSv2 session tokens (Checkov CKV_AWS_79, cdk-nag EC2 IMDSv2). */
import { ResourceRule } from '../../types';
import { expect } from '../../outcomes';

export const LaunchTemplateImdsv2Required: ResourceRule = {
  id: 'SC-IMD-1',
  name: 'LaunchTemplateImdsv2Required',
  family: 'imdsv2',
  scope: 'resource',
  resourceTypes: ['aws_launch_template'],
  description: 'Launch templates set metadata_options.http_tokens = "required".',
  evaluate(template) {
    return expect(
      template.values,
      'metadata_options.http_tokens',
      (v) => v === 'required',
      'set it to "required" so the metadata service answers only IMDSv2 sessions',
    );
  },
};
