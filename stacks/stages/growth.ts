/** Growth (≤5M MAU): EKS behind an ALB; Multi-AZ Postgres + replica, Redis with failover, RabbitMQ, search. */
import { composeClusterCompute } from '../cluster';
import { addKafka, addPostgresInstance, addRabbitMq, addRedis, addSearch } from '../data-stores';
import { RegionalStack } from '../regional-stack';
import { addServiceIdentities } from '../service-identities';

export function composeGrowth(stack: RegionalStack): void {
  const compute = composeClusterCompute(stack);
  const clients = [compute.clientSecurityGroup];
  addPostgresInstance(stack, clients);
  addRedis(stack, clients);
  if (stack.foundation.blueprint.rabbitmq) addRabbitMq(stack, clients);
  if (stack.foundation.blueprint.kafka) addKafka(stack, clients);
  if (stack.foundation.blueprint.search) addSearch(stack, clients);
  addServiceIdentities(stack, compute.eks);
}
