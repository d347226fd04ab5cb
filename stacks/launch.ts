/** Launch (≤10K MAU): one host runs everything, Postgres and Redis included; daily snapshots. */
import { addAppHosts } from './components';
import { RegionalStack } from './regional-stack';

export function composeLaunch(stack: RegionalStack): void {
  addAppHosts(stack);
}
