/** Scale (≤10M MAU): EKS with autoscaling; Aurora primary + replicas, Redis Cluster, RabbitMQ cluster, search, monitoring. */
import { composeClusterCompute } from '../cluster';
import { addAuroraShards, addRabbitMq, addRedis, addSearch } from '../data-stores';
import { RegionalStack } from '../regional-stack';
import { addServiceIdentities } from '../service-identities';

export function composeScale(stack: RegionalStack): void {
  const compute = composeClusterCompute(stack);
  const clients = [compute.clientSecurityGroup];
  addAuroraShards(stack, clients);
  addRedis(stack, clients);
  addRabbitMq(stack, clients);
  addSearch(stack, clients);
  addServiceIdentities(stack, compute.eks);
}
