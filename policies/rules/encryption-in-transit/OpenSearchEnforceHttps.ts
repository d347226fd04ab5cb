/** OpenSearch refuses plain HTTP (Checkov CKV_AWS_83, cdk-nag OS HTTPS rules). */
import { ResourceRule } from '../../types';
import { expectBoolean } from '../../outcomes';

export const OpenSearchEnforceHttps: ResourceRule = {
  id: 'SC-EIT-4',
  name: 'OpenSearchEnforceHttps',
  family: 'encryption-in-transit',
  scope: 'resource',
  resourceTypes: ['aws_opensearch_domain'],
  description: 'OpenSearch domains set domain_endpoint_options.enforce_https = true.',
  evaluate(domain) {
    return expectBoolean(domain.values, 'domain_endpoint_options.enforce_https', true, 'set enforce_https = true', false);
  },
};
