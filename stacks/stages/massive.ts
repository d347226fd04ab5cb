/**
 * Massive (50M+ MAU): the full stack in every region, CockroachDB spanning the regions
 * over peered VPCs (or, with `database.engine: postgres`, Aurora shards each homed in one
 * region), a Redis Cluster per region, S3 tiering.
 */
import { composeClusterCompute } from '../cluster';
import { addAuroraShards, addCockroach, addKafka, addRabbitMq, addRedis, addSearch } from '../data-stores';
import { RegionalStack } from '../regional-stack';
import { addServiceIdentities } from '../service-identities';
import { peerWithEarlierRegions } from '../region-peering';

export function composeMassive(stack: RegionalStack, earlierRegions: readonly RegionalStack[]): void {
  const compute = composeClusterCompute(stack);
  const clients = [compute.clientSecurityGroup];
  if (stack.foundation.blueprint.databaseEngine === 'cockroachdb') addCockroach(stack, compute, earlierRegions);
  else addAuroraShards(stack, clients);
  addRedis(stack, clients);
  if (stack.foundation.blueprint.rabbitmq) addRabbitMq(stack, clients);
  if (stack.foundation.blueprint.kafka) addKafka(stack, clients);
  if (stack.foundation.blueprint.search) addSearch(stack, clients);
  peerWithEarlierRegions(stack, earlierRegions);
  addServiceIdentities(stack, compute.eks);
}
