/**
 * The order of one environment's apps stacks, from what their workloads declare: a workload that
 * needs something made outside its stack (`stagecraft.io/external-provisions`: a standby region's
 * services log in as the users the primary region's `database-users` Job makes, which replicate to
 * the standby's database) depends on the apps stack whose Job makes it (`stagecraft.io/provisions`),
 * so `cdktf deploy '*'` applies that stack first (docs/deploy-order.md). Read from the same
 * annotations guardrail SC-K8S-9 reads, not from a second list of which region is primary.
 */
import { externalProvisions, providedProvisions } from '../synthesis/kubernetes-provisions';
import { KubernetesObject } from '../services/kubernetes/object';

/** An apps stack as the order needs it: its name and the objects it applies. */
export interface OrderedAppsStack {
  readonly stackName: string;
  readonly objects: readonly KubernetesObject[];
}

/**
 * For each stack, the other stacks that make what its workloads declare external, by name. Throws
 * when those dependencies form a cycle (two regions each waiting for the other's Job), which no
 * deploy order can satisfy.
 */
export function externalProducers<S extends OrderedAppsStack>(stacks: readonly S[]): Map<S, S[]> {
  const made = new Map<string, S[]>();
  for (const stack of stacks) for (const object of stack.objects) for (const p of providedProvisions(object)) made.set(p, [...(made.get(p) ?? []), stack]);
  const order = new Map<S, S[]>();
  for (const stack of stacks) {
    const needs = new Set(stack.objects.flatMap((o) => externalProvisions(o)));
    const producers = [...new Set([...needs].flatMap((n) => made.get(n) ?? []))].filter((p) => p !== stack);
    if (producers.length > 0) order.set(stack, producers);
  }
  const cycle = findCycle(order);
  if (cycle) throw new Error(`apps stacks wait for each other's provisioning Jobs: ${cycle.map((s) => s.stackName).join(' → ')}`);
  return order;
}

/** A cycle of the dependency map, as the stacks along it (first repeated at the end), if any. */
function findCycle<S extends OrderedAppsStack>(order: ReadonlyMap<S, readonly S[]>): S[] | undefined {
  const done = new Set<S>();
  const visit = (stack: S, path: S[]): S[] | undefined => {
    if (path.includes(stack)) return [...path.slice(path.indexOf(stack)), stack];
    if (done.has(stack)) return undefined;
    for (const next of order.get(stack) ?? []) {
      const found = visit(next, [...path, stack]);
      if (found) return found;
    }
    done.add(stack);
    return undefined;
  };
  for (const stack of order.keys()) {
    const found = visit(stack, []);
    if (found) return found;
  }
  return undefined;
}
