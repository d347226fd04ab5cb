/** Hyperscale (≤50M MAU): Postgres shards or a CockroachDB cluster, Kafka replaces RabbitMQ, a search cluster. */
import { composeClusterCompute } from '../cluster';
import { addAuroraShards, addCockroach, addKafka, addManagedCockroach, addRabbitMq, addRedis, addSearch } from '../data-stores';
import { RegionalStack } from '../regional-stack';
import { addServiceIdentities } from '../service-identities';
import { peerWithEarlierRegions } from '../region-peering';

export function composeHyperscale(stack: RegionalStack, earlierRegions: readonly RegionalStack[] = []): void {
  const compute = composeClusterCompute(stack);
  const clients = [compute.clientSecurityGroup];
  const cockroach = stack.foundation.blueprint.databaseEngine === 'cockroachdb';
  const managed = stack.foundation.blueprint.managedCockroach !== undefined;
  if (managed) addManagedCockroach(stack);
  else if (cockroach) addCockroach(stack, compute, earlierRegions);
  else addAuroraShards(stack, clients);
  addRedis(stack, clients);
  if (stack.foundation.blueprint.rabbitmq) addRabbitMq(stack, clients);
  if (stack.foundation.blueprint.kafka) addKafka(stack, clients);
  if (stack.foundation.blueprint.search) addSearch(stack, clients);
  // CockroachDB spans the regions over peered VPCs (components.regions, several regions); Aurora replicates on AWS's own network.
  // A managed cluster replicates inside CockroachDB Cloud: no peering for it.
  if (cockroach && !managed) peerWithEarlierRegions(stack, earlierRegions);
  addServiceIdentities(stack, compute.eks);
}
