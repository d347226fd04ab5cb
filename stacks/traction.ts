/** Traction (≤500K MAU): 1–2 hosts; the database and cache move to RDS and ElastiCache. */
import { AppHost } from '../constructs/app-host';
import { addPostgresInstance, addRedis } from './components';
import { RegionalStack } from './regional-stack';

export function composeTraction(stack: RegionalStack): void {
  const f = stack.foundation;
  const hosts = f.blueprint.hosts;
  if (!hosts) throw new Error('traction blueprint has no hosts');
  const appHosts = Array.from({ length: hosts.count }, (_, index) => {
    const host = new AppHost(stack, `host-${index}`, {
      namePrefix: f.namePrefix,
      index,
      network: f.network,
      encryptionKey: f.encryptionKey,
      alarms: f.alarms,
      region: f.region.code,
      instanceType: hosts.instanceType,
      rootVolumeGiB: hosts.rootVolumeGiB,
      webIngressPrefixListId: f.cloudflarePrefixList.id,
    });
    stack.origin.hostIps.push(host.publicIp.publicIp);
    return host;
  });
  const clients = appHosts.map((h) => h.securityGroup);
  addPostgresInstance(stack, clients);
  addRedis(stack, clients);
}
