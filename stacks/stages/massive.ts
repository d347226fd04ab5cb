/**
 * Massive (50M+ MAU): the full stack in every region, CockroachDB spanning the regions
 * over peered VPCs (or a CockroachDB Cloud cluster, with no peering; or, with `database.engine:
 * postgres`, Aurora shards each homed in one region), a Redis Cluster per region, S3 tiering.
 */
import { composeClusterCompute } from '../cluster';
import { addAuroraShards, addCockroach, addKafka, addManagedCockroach, addRabbitMq, addRedis, addSearch } from '../data-stores';
import { RegionalStack } from '../regional-stack';
import { addServiceIdentities } from '../service-identities';
import { peerWithEarlierRegions } from '../region-peering';

export function composeMassive(stack: RegionalStack, earlierRegions: readonly RegionalStack[]): void {
  const compute = composeClusterCompute(stack);
  const clients = [compute.clientSecurityGroup];
  const managed = stack.foundation.blueprint.managedCockroach !== undefined;
  if (managed) addManagedCockroach(stack);
  else if (stack.foundation.blueprint.databaseEngine === 'cockroachdb') addCockroach(stack, compute, earlierRegions);
  else addAuroraShards(stack, clients);
  addRedis(stack, clients);
  if (stack.foundation.blueprint.rabbitmq) addRabbitMq(stack, clients);
  if (stack.foundation.blueprint.kafka) addKafka(stack, clients);
  if (stack.foundation.blueprint.search) addSearch(stack, clients);
  // The peering carries CockroachDB's Raft traffic; a managed cluster replicates inside CockroachDB Cloud.
  if (!managed) peerWithEarlierRegions(stack, earlierRegions);
  addServiceIdentities(stack, compute.eks);
}
