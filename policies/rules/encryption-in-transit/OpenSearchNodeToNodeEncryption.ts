/** OpenSearch encrypts traffic between its nodes (Checkov CKV_AWS_6, cdk-nag OS node-to-node). */
import { ResourceRule } from '../../types';
import { expectBoolean } from '../../outcomes';

export const OpenSearchNodeToNodeEncryption: ResourceRule = {
  id: 'SC-EIT-5',
  name: 'OpenSearchNodeToNodeEncryption',
  family: 'encryption-in-transit',
  scope: 'resource',
  resourceTypes: ['aws_opensearch_domain'],
  description: 'OpenSearch domains set node_to_node_encryption.enabled = true.',
  evaluate(domain) {
    return expectBoolean(
      domain.values,
      'node_to_node_encryption.enabled',
      true,
      'set node_to_node_encryption.enabled = true (changing it replaces the domain)',
      false,
    );
  },
};
