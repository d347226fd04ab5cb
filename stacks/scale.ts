/** Scale (≤10M MAU): EKS with autoscaling; Aurora primary + replicas, Redis Cluster, RabbitMQ cluster, search, monitoring. */
import { composeClusterCompute } from './cluster';
import { addAuroraShards, addRabbitMq, addRedis, addSearch } from './components';
import { RegionalStack } from './regional-stack';

export function composeScale(stack: RegionalStack): void {
  const clients = [composeClusterCompute(stack).clientSecurityGroup];
  addAuroraShards(stack, clients);
  addRedis(stack, clients);
  addRabbitMq(stack, clients);
  addSearch(stack, clients);
}
