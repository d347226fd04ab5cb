/** Traction (≤500K MAU): 1–2 hosts; the database and cache move to RDS and ElastiCache; RabbitMQ (Amazon MQ) when the environment adds it. */
import { addAppHosts, addPostgresInstance, addRabbitMq, addRedis } from '../data-stores';
import { addHostServices } from '../host-services';
import { RegionalStack } from '../regional-stack';

export function composeTraction(stack: RegionalStack): void {
  const hosts = addAppHosts(stack);
  const clients = hosts.map((host) => host.securityGroup);
  addPostgresInstance(stack, clients);
  addRedis(stack, clients);
  // components.queue: rabbitmq: one broker in a private subnet, reached by the hosts alone.
  if (stack.foundation.blueprint.rabbitmq) addRabbitMq(stack, clients);
  addHostServices(stack, hosts);
}
