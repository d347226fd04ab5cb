/** OpenSearch endpoints negotiate TLS 1.2 or later (Checkov CKV_AWS_228). */
import { ResourceRule } from '../../types';
import { expect } from '../../outcomes';

export const OpenSearchTlsPolicy: ResourceRule = {
  id: 'SC-TLS-2',
  name: 'OpenSearchTlsPolicy',
  family: 'tls',
  scope: 'resource',
  resourceTypes: ['aws_opensearch_domain'],
  description: 'OpenSearch domains set domain_endpoint_options.tls_security_policy to Policy-Min-TLS-1-2-*.',
  evaluate(domain) {
    return expect(
      domain.values,
      'domain_endpoint_options.tls_security_policy',
      (v) => typeof v === 'string' && /^Policy-Min-TLS-1-2-/.test(v),
      'use "Policy-Min-TLS-1-2-2019-07" or later; the default accepts TLS 1.0',
    );
  },
};
