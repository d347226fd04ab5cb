/** Builds the topology of one environment from its synthesized stacks and its Blueprint. */
import { SizedEnvironment } from '../sizing/blueprint';
import { Synthesis } from '../synthesis/stack-views';
import { TopologyCollector } from './collector';
import { addEdge } from './edge-components';
import { Topology, TopologyLevel } from './model';
import { addRegion, peerRegions } from './region-components';
import { environmentResources, EnvironmentResources, qualified, referencesOf } from './stacks';

export const LEVELS: readonly TopologyLevel[] = ['component', 'resource'];

function componentTopology(resources: EnvironmentResources, sized: SizedEnvironment): Topology {
  const collect = new TopologyCollector();
  const users = collect.node({ id: 'users', kind: 'users', label: 'Users', source: 'synthesis', resources: [] });
  const edge = addEdge(collect, users, resources.edge, sized.environment);
  const regions = resources.regions.map((region) => ({ code: region.code, peers: peerRegions(region), ...addRegion(collect, region, sized) }));
  for (const region of regions) {
    if (region.entry) collect.edge(edge.exit ?? users, region.entry, region.originLabel ?? 'HTTPS 443');
    // An edge-first service reaches the stores it declares from the edge (CockroachDB Cloud: outside every VPC).
    for (const service of edge.services)
      for (const d of region.dependencies) if (d.kinds.some((k) => service.stores.includes(k))) collect.edge(service.id, d.id, d.label);
  }
  // CockroachDB replicates across regions over the peered VPCs (massive).
  for (const region of regions) {
    for (const peer of region.peers) {
      const other = regions.find((r) => r.code === peer);
      if (region.cockroach && other?.cockroach) collect.edge(region.cockroach, other.cockroach, 'Raft 26257 over VPC peering');
    }
  }
  return {
    environment: sized.environment.name,
    stage: sized.environment.stage,
    level: 'component',
    groups: collect.groups,
    nodes: collect.nodes,
    edges: collect.edges,
  };
}

/** One node per Terraform resource, grouped by stack, with an edge per reference inside a stack. */
function resourceTopology(resources: EnvironmentResources, sized: SizedEnvironment): Topology {
  const collect = new TopologyCollector();
  const all = [...resources.regions.flatMap((r) => r.resources), ...resources.edge];
  for (const stack of [...new Set(all.map((r) => r.stack))]) collect.group({ id: stack, label: stack, kind: 'stack' });
  for (const r of all)
    collect.node({ id: qualified(r), kind: 'resource', label: r.type, detail: r.name, group: r.stack, source: 'synthesis', resources: [qualified(r)] });
  const ids = new Set(all.map(qualified));
  for (const r of all) {
    for (const ref of referencesOf(r)) {
      const target = `${r.stack}:${ref.type}.${ref.name}`;
      if (ids.has(target) && target !== qualified(r)) collect.edge(qualified(r), target);
    }
  }
  return {
    environment: sized.environment.name,
    stage: sized.environment.stage,
    level: 'resource',
    groups: collect.groups,
    nodes: collect.nodes,
    edges: collect.edges,
  };
}

/** The topology of `sized`'s environment at `level`, from the stacks of `synthesis` that belong to it. */
export function buildTopology(synthesis: Synthesis, sized: SizedEnvironment, level: TopologyLevel = 'component'): Topology {
  const resources = environmentResources(synthesis, sized.environment);
  return level === 'component' ? componentTopology(resources, sized) : resourceTopology(resources, sized);
}
