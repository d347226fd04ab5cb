/** Subnets do not give instances public IPs by default (Checkov CKV_AWS_130). */
import { ResourceRule } from '../../types';
import { expectBoolean } from '../../outcomes';

export const SubnetNoAutoPublicIp: ResourceRule = {
  id: 'SC-PUB-9',
  name: 'SubnetNoAutoPublicIp',
  family: 'public-exposure',
  scope: 'resource',
  resourceTypes: ['aws_subnet'],
  description: 'Subnets keep map_public_ip_on_launch = false; public addresses are given on purpose (Elastic IPs).',
  evaluate(subnet) {
    return expectBoolean(subnet.values, 'map_public_ip_on_launch', false, 'set map_public_ip_on_launch = false', false);
  },
};
