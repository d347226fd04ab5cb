import { Testing } from 'cdktf';
import { buildKey, buildNetwork } from '../../helpers/foundation';
import { resourcesOfType, synthAws } from '../../helpers/synth';

// cdktf's matchers (toHaveResourceWithProperties), for this file only (test/setup.ts leaves them out).
Testing.setupJest();

function network(natGateways: 'none' | 'single' | 'per-az') {
  return synthAws((scope) => buildNetwork(scope, buildKey(scope), { natGateways }));
}

describe('Network', () => {
  it('carves public, private and data subnets in every zone from the VPC CIDR', () => {
    const subnets = resourcesOfType(network('none'), 'aws_subnet');
    expect(subnets.map((s) => [s.cidr_block, s.availability_zone_id])).toEqual(
      expect.arrayContaining([
        ['10.16.0.0/20', 'use1-az1'],
        ['10.16.64.0/20', 'use1-az1'],
        ['10.16.128.0/20', 'use1-az1'],
        ['10.16.32.0/20', 'use1-az4'],
        ['10.16.160.0/20', 'use1-az4'],
      ]),
    );
    expect(subnets).toHaveLength(9);
    expect(subnets.every((s) => s.map_public_ip_on_launch === false)).toBe(true);
  });

  it.each([
    ['none', 0],
    ['single', 1],
    ['per-az', 3],
  ] as const)('creates NAT gateways for strategy %s: %i', (strategy, expected) => {
    expect(resourcesOfType(network(strategy), 'aws_nat_gateway')).toHaveLength(expected);
  });

  it('gives data subnets no route to the internet', () => {
    const stack = network('per-az');
    const routes = resourcesOfType(stack, 'aws_route');
    const dataTable = '${aws_route_table.network_data-routes_';
    expect(routes.some((r) => String(r.route_table_id).startsWith(dataTable))).toBe(false);
    expect(routes.filter((r) => r.nat_gateway_id !== undefined)).toHaveLength(3);
  });

  it('logs all traffic to an encrypted log group and closes the default security group', () => {
    const stack = network('single');
    expect(stack.json).toHaveResourceWithProperties({ tfResourceType: 'aws_flow_log' }, { traffic_type: 'ALL' });
    const [group] = resourcesOfType(stack, 'aws_cloudwatch_log_group');
    expect(group.kms_key_id).toMatch(/aws_kms_key/);
    const [defaultSg] = resourcesOfType(stack, 'aws_default_security_group');
    expect(defaultSg.ingress).toBeUndefined();
  });
});
