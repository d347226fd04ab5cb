/** OpenSearch domains encrypt data at rest (Checkov CKV_AWS_5, cdk-nag OS3). */
import { ResourceRule } from '../../types';
import { expectBoolean } from '../../outcomes';

export const OpenSearchEncryptedAtRest: ResourceRule = {
  id: 'SC-EAR-10',
  name: 'OpenSearchEncryptedAtRest',
  family: 'encryption-at-rest',
  scope: 'resource',
  resourceTypes: ['aws_opensearch_domain'],
  description: 'OpenSearch domains set encrypt_at_rest.enabled = true.',
  evaluate(domain) {
    return expectBoolean(domain.values, 'encrypt_at_rest.enabled', true, 'set encrypt_at_rest.enabled = true with the region key', false);
  },
};
