/** Launch (≤10K MAU): one host runs everything, Postgres and Redis included; daily snapshots. */
import { AppHost } from '../constructs/app-host';
import { RegionalStack } from './regional-stack';

export function composeLaunch(stack: RegionalStack): void {
  const f = stack.foundation;
  const hosts = f.blueprint.hosts;
  if (!hosts) throw new Error('launch blueprint has no hosts');
  const host = new AppHost(stack, 'host-0', {
    namePrefix: f.namePrefix,
    index: 0,
    network: f.network,
    encryptionKey: f.encryptionKey,
    alarms: f.alarms,
    region: f.region.code,
    instanceType: hosts.instanceType,
    rootVolumeGiB: hosts.rootVolumeGiB,
    dataVolumeGiB: hosts.dataVolumeGiB,
    webIngressPrefixListId: f.cloudflarePrefixList.id,
  });
  stack.origin.hostIps.push(host.publicIp.publicIp);
}
