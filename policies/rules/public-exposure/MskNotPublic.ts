/** MSK brokers have no public endpoints (Checkov CKV_AWS_291). */
import { ResourceRule } from '../../types';
import { expect } from '../../outcomes';

export const MskNotPublic: ResourceRule = {
  id: 'SC-PUB-7',
  name: 'MskNotPublic',
  family: 'public-exposure',
  scope: 'resource',
  resourceTypes: ['aws_msk_cluster'],
  description: 'MSK clusters keep connectivity_info.public_access.type = "DISABLED" (the default).',
  evaluate(cluster) {
    return expect(
      cluster.values,
      'broker_node_group_info.connectivity_info.public_access.type',
      (v) => v === undefined || v === 'DISABLED',
      'keep public access "DISABLED"; clients reach the brokers inside the VPC',
    );
  },
};
