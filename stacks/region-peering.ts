/**
 * Cross-region VPC peering for massive: each region peers with every region listed
 * before it, so stacks depend on earlier regions only and deploy in list order.
 * The later region requests; an aliased provider accepts and routes in the earlier one.
 */
import { Route } from '@cdktf/provider-aws/lib/route';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { allowedAccounts } from './aws-account';
import { VpcPeeringConnection } from '@cdktf/provider-aws/lib/vpc-peering-connection';
import { VpcPeeringConnectionAccepterA } from '@cdktf/provider-aws/lib/vpc-peering-connection-accepter';
import { RegionalStack } from './regional-stack';
import { terraformLiterals } from '../synthesis/terraform-literal';

export function peerWithEarlierRegions(stack: RegionalStack, earlierRegions: readonly RegionalStack[]): void {
  const f = stack.foundation;
  for (const earlier of earlierRegions) {
    const peer = earlier.foundation;
    const id = `peering-${peer.region.code}`;
    // One provider per region in the stack: stacks/secret-replicas.ts may have made it already.
    const peerProvider =
      (stack.node.tryFindChild(`aws-${peer.region.code}`) as AwsProvider | undefined) ??
      new AwsProvider(stack, `aws-${peer.region.code}`, {
        alias: peer.region.code,
        region: peer.region.code,
        ...allowedAccounts(f.environment),
        defaultTags: [{ tags: terraformLiterals({ ...f.environment.tags, 'stagecraft:region': peer.region.code }) }],
      });
    const connection = new VpcPeeringConnection(stack, id, {
      vpcId: f.network.vpc.id,
      peerVpcId: peer.network.vpc.id,
      peerRegion: peer.region.code,
      autoAccept: false,
      tags: { Name: `${f.namePrefix}-to-${peer.region.code}` },
    });
    new VpcPeeringConnectionAccepterA(stack, `${id}-accept`, {
      provider: peerProvider,
      vpcPeeringConnectionId: connection.id,
      autoAccept: true,
      tags: { Name: `${peer.namePrefix}-from-${f.region.code}` },
    });
    f.network.internalRouteTables.forEach((table, i) => {
      new Route(stack, `${id}-route-${i}`, {
        routeTableId: table.id,
        destinationCidrBlock: peer.region.vpcCidr,
        vpcPeeringConnectionId: connection.id,
      });
    });
    peer.network.internalRouteTables.forEach((table, i) => {
      new Route(stack, `${id}-return-route-${i}`, {
        provider: peerProvider,
        routeTableId: table.id,
        destinationCidrBlock: f.region.vpcCidr,
        vpcPeeringConnectionId: connection.id,
      });
    });
  }
}
