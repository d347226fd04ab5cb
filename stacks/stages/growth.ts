/** Growth (≤5M MAU): EKS behind an ALB; Multi-AZ Postgres + replica, Redis with failover, RabbitMQ, search. */
import { composeClusterCompute } from '../cluster';
import { addPostgresInstance, addRabbitMq, addRedis, addSearch } from '../data-stores';
import { RegionalStack } from '../regional-stack';
import { addServiceIdentities } from '../service-identities';

export function composeGrowth(stack: RegionalStack): void {
  const compute = composeClusterCompute(stack);
  const clients = [compute.clientSecurityGroup];
  addPostgresInstance(stack, clients);
  addRedis(stack, clients);
  addRabbitMq(stack, clients);
  addSearch(stack, clients);
  addServiceIdentities(stack, compute.eks);
}
