/**
 * PgBouncer's size (sizing/pooler.ts): pods from the services' connection demand, pools that never
 * open more than the pooler's share of a database's max_connections, and a pod that can take a
 * drained pod's clients.
 */
import { DEFAULT_POOLER } from '../../config/pooler';
import { ServiceDefinition } from '../../config/service-definition';
import { databaseClients, dbInstanceMemoryGiB, defaultMaxConnections, POOLER_CLIENTS_PER_POD, POOLER_MIN_PODS, poolerSizeFor } from '../../sizing/pooler';

const service = (name: string, dataStores: string[]) => ({ name, dataStores }) as unknown as ServiceDefinition;
const services = [service('api', ['database', 'redis']), service('worker', ['database']), service('web', [])];

describe('PgBouncer sizing', () => {
  it('reads RDS memory and max_connections from the class', () => {
    expect(dbInstanceMemoryGiB('db.r6g.large')).toBe(16);
    expect(defaultMaxConnections('db.r6g.large')).toBe(Math.floor((16 * 1024 ** 3) / 9531392));
    expect(defaultMaxConnections('db.r6g.16xlarge')).toBe(5000);
    expect(defaultMaxConnections('db.z9.large')).toBeUndefined();
  });

  it('counts only the services that declare the database', () => {
    expect(databaseClients(services).map((s) => s.name)).toEqual(['api', 'worker']);
  });

  it.each([
    [3, 'db.r6g.large'],
    [400, 'db.r6g.2xlarge'],
    [2000, 'db.r6g.xlarge'],
  ])('sizes %i pods a client on %s within the database share and the drain rule', (podsEach, instanceClass) => {
    const size = poolerSizeFor(DEFAULT_POOLER, services, () => podsEach, instanceClass);
    const clients = 2 * podsEach * DEFAULT_POOLER.clientConnectionsPerPod;
    expect(size.clientConnections).toBe(clients);
    expect(size.pods).toBe(Math.max(POOLER_MIN_PODS, Math.ceil(clients / POOLER_CLIENTS_PER_POD)));
    expect(size.serverConnections).toBe(Math.floor((defaultMaxConnections(instanceClass)! * DEFAULT_POOLER.maxConnectionsPercent) / 100));
    // Every pod's pools together stay within its share, and all pods within the database's share.
    expect(size.poolSize * 2).toBeLessThanOrEqual(size.maxDbConnectionsPerPod);
    expect(size.maxDbConnectionsPerPod * size.pods).toBeLessThanOrEqual(size.serverConnections);
    // With one pod drained, the others accept every client.
    expect(size.maxClientConnectionsPerPod * (size.pods - 1)).toBeGreaterThanOrEqual(clients);
    expect(size.poolMode).toBe('transaction');
    expect(size.reason).toContain(`${size.pods} PgBouncer pods`);
  });
});
