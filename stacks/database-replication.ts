/**
 * Whether an environment's standby regions replicate the first region's Postgres: decides the
 * standbys' database roles (stacks/data-stores.ts), their stacks' deploy order (stacks/app.ts) and
 * the key alias their readers decrypt the replicated secrets under (stacks/regional-stack.ts), so
 * the three agree.
 */
import { Environment } from '../config/environment';
import { Blueprint } from '../sizing/blueprint-types';

/**
 * Whether the regions other than the first replicate the first region's Postgres (an RDS
 * cross-region replica, an Aurora Global Database secondary), so their stacks are deployed after
 * the first region's (stacks/app.ts). Not when each region homes shards of its own
 * (`postgres.homes`, docs/shards.md): those are regional clusters that take their own writes.
 */
export function replicatesPrimaryDatabase(blueprint: Blueprint, environment: Environment): boolean {
  if (blueprint.multiRegion === undefined || blueprint.postgres === undefined) return false;
  return !(environment.regions.length > 1 && blueprint.postgres.homes !== undefined);
}
