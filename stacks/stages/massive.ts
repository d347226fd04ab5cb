/**
 * Massive (50M+ MAU): the full stack in every region, CockroachDB spanning the regions
 * over peered VPCs, a Redis Cluster per region, S3 tiering.
 */
import { composeClusterCompute } from '../cluster';
import { addCockroach, addKafka, addRabbitMq, addRedis, addSearch } from '../data-stores';
import { RegionalStack } from '../regional-stack';
import { addServiceIdentities } from '../service-identities';
import { peerWithEarlierRegions } from '../region-peering';

export function composeMassive(stack: RegionalStack, earlierRegions: readonly RegionalStack[]): void {
  const compute = composeClusterCompute(stack);
  const clients = [compute.clientSecurityGroup];
  addCockroach(stack, compute, earlierRegions);
  addRedis(stack, clients);
  if (stack.foundation.blueprint.rabbitmq) addRabbitMq(stack, clients);
  if (stack.foundation.blueprint.kafka) addKafka(stack, clients);
  if (stack.foundation.blueprint.search) addSearch(stack, clients);
  peerWithEarlierRegions(stack, earlierRegions);
  addServiceIdentities(stack, compute.eks);
}
