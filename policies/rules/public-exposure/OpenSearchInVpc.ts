/** OpenSearch domains live in a VPC, not on a public endpoint (Checkov CKV_AWS_137, cdk-nag OS1). */
import { ResourceRule } from '../../types';
import { expectPresent } from '../../outcomes';

export const OpenSearchInVpc: ResourceRule = {
  id: 'SC-PUB-6',
  name: 'OpenSearchInVpc',
  family: 'public-exposure',
  scope: 'resource',
  resourceTypes: ['aws_opensearch_domain'],
  description: 'OpenSearch domains set vpc_options.subnet_ids.',
  evaluate(domain) {
    return expectPresent(domain.values, 'vpc_options.subnet_ids', 'place the domain in the data subnets; without vpc_options its endpoint is public');
  },
};
