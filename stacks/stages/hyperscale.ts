/** Hyperscale (≤50M MAU): Postgres shards or a CockroachDB cluster, Kafka replaces RabbitMQ, a search cluster. */
import { composeClusterCompute } from '../cluster';
import { addAuroraShards, addCockroach, addKafka, addRabbitMq, addRedis, addSearch } from '../data-stores';
import { RegionalStack } from '../regional-stack';
import { addServiceIdentities } from '../service-identities';

export function composeHyperscale(stack: RegionalStack): void {
  const compute = composeClusterCompute(stack);
  const clients = [compute.clientSecurityGroup];
  if (stack.foundation.blueprint.databaseEngine === 'cockroachdb') addCockroach(stack, compute);
  else addAuroraShards(stack, clients);
  addRedis(stack, clients);
  if (stack.foundation.blueprint.rabbitmq) addRabbitMq(stack, clients);
  if (stack.foundation.blueprint.kafka) addKafka(stack, clients);
  if (stack.foundation.blueprint.search) addSearch(stack, clients);
  addServiceIdentities(stack, compute.eks);
}
