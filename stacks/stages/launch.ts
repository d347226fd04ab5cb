/** Launch (≤10K MAU): one host runs everything, Postgres and Redis included; daily snapshots. */
import { addAppHosts } from '../data-stores';
import { addHostDataStores, addHostServices } from '../host-services';
import { RegionalStack } from '../regional-stack';

export function composeLaunch(stack: RegionalStack): void {
  const hosts = addAppHosts(stack);
  addHostServices(stack, hosts, addHostDataStores(stack));
}
