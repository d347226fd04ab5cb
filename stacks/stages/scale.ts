/** Scale (≤10M MAU): EKS with autoscaling; Aurora primary + replicas, Redis Cluster, RabbitMQ cluster, search, monitoring. */
import { composeClusterCompute } from '../cluster';
import { addAuroraShards, addKafka, addRabbitMq, addRedis, addSearch } from '../data-stores';
import { RegionalStack } from '../regional-stack';
import { addServiceIdentities } from '../service-identities';

export function composeScale(stack: RegionalStack): void {
  const compute = composeClusterCompute(stack);
  const clients = [compute.clientSecurityGroup];
  addAuroraShards(stack, clients);
  addRedis(stack, clients);
  if (stack.foundation.blueprint.rabbitmq) addRabbitMq(stack, clients);
  if (stack.foundation.blueprint.kafka) addKafka(stack, clients);
  if (stack.foundation.blueprint.search) addSearch(stack, clients);
  addServiceIdentities(stack, compute.eks);
}
