/**
 * Where a region makes no database users (a standby whose database replicates the primary
 * region's, users included: Aurora Global Database secondaries, stacks/data-stores.ts), the users
 * its services log in as are made by the primary region's `database-users` Job, in another stack.
 * Each workload declares them as made outside its stack (`stagecraft.io/external-provisions`), so
 * guardrail SC-K8S-9 does not look for a Job here; every other need stays ordered in the stack.
 */
import { provision, provisionsNamedBy } from '../synthesis/kubernetes-provisions';
import { ServiceWorkload } from '../services/kubernetes/workload-spec';

/** `workloads`, each declaring its database user external when `makesUsers` is false. */
export function standbyDatabaseUsers(workloads: readonly ServiceWorkload[], makesUsers: boolean): ServiceWorkload[] {
  if (makesUsers) return [...workloads];
  return workloads.map((w) => {
    const users = provisionsNamedBy(w.bindings).needs.filter((n) => n.startsWith(provision.databaseUser('')));
    return users.length === 0 ? w : { ...w, externalProvisions: [...(w.externalProvisions ?? []), ...users] };
  });
}
