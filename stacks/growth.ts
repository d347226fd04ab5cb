/** Growth (≤5M MAU): EKS behind an ALB; Multi-AZ Postgres + replica, Redis with failover, RabbitMQ, search. */
import { composeClusterCompute } from './cluster';
import { addPostgresInstance, addRabbitMq, addRedis, addSearch } from './components';
import { RegionalStack } from './regional-stack';

export function composeGrowth(stack: RegionalStack): void {
  const clients = [composeClusterCompute(stack).clientSecurityGroup];
  addPostgresInstance(stack, clients);
  addRedis(stack, clients);
  addRabbitMq(stack, clients);
  addSearch(stack, clients);
}
