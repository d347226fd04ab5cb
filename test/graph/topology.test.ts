/** The diagram of every example stage: region groups, edge pieces, sized components and the edges between them. */
import { publicPorts } from '../../config/service-definition';
import { buildTopology } from '../../graph/build';
import { Topology } from '../../graph/model';
import { Synthesis } from '../../synthesis/stack-views';
import { SizedEnvironment } from '../../sizing/blueprint';
import { synthesizeExamples } from '../helpers/examples';
import { expectedTopology, graphInputs } from '../helpers/topology';

let synthesis: Synthesis;
let sized: SizedEnvironment[];

beforeAll(() => {
  ({ synthesis, sized } = graphInputs(synthesizeExamples()));
});

const STAGES = ['launch', 'traction', 'growth', 'scale', 'hyperscale', 'massive'];

function topologyOf(stage: string): { topology: Topology; environment: SizedEnvironment } {
  const environment = sized.find((s) => s.environment.stage === stage)!;
  return { topology: buildTopology(synthesis, environment), environment };
}

/** The id of the node with `label` in `group`; fails the test when there is not exactly one. */
function nodeIn(topology: Topology, group: string | undefined, label: string): string {
  const found = topology.nodes.filter(
    (n) => n.label === label && (group === undefined || n.group === group || topology.groups.find((g) => g.id === n.group)?.parent === group),
  );
  expect(found.map((n) => `${n.group}: ${n.label}`)).toEqual([`${found[0]?.group ?? group}: ${label}`]);
  return found[0].id;
}

const edgeLabel = (topology: Topology, from: string, to: string) => topology.edges.find((e) => e.from === from && e.to === to)?.label ?? '(no edge)';

describe.each(STAGES)('%s topology', (stage) => {
  test('one group per region, plus the edge; an EKS group inside each region on cluster stages', () => {
    const { topology, environment } = topologyOf(stage);
    const expected = expectedTopology(environment, synthesis);
    expect(topology.groups.filter((g) => g.kind === 'region').map((g) => g.label)).toEqual(expected.regions);
    expect(topology.groups.filter((g) => g.kind === 'edge').map((g) => g.label)).toEqual(['Cloudflare edge']);
    const clusters = topology.groups.filter((g) => g.kind === 'cluster');
    if (expected.cluster) {
      expect(clusters.map((g) => g.parent)).toEqual(expected.regions);
      for (const g of clusters) expect(g.label).toContain(`general ${expected.cluster}`);
    } else {
      expect(clusters).toEqual([]);
    }
  });

  test('the edge path from the users to every region entry, in request order', () => {
    const { topology, environment } = topologyOf(stage);
    const expected = expectedTopology(environment, synthesis);
    const path = expected.edgePath.map((label) => nodeIn(topology, 'edge', label));
    expect(edgeLabel(topology, 'users', path[0])).toBe('HTTPS 443');
    path.slice(1).forEach((id, i) => expect(topology.edges.some((e) => e.from === path[i] && e.to === id)).toBe(true));
    const edgeNodes = topology.nodes.filter((n) => n.group === 'edge' && n.kind !== 'storage').map((n) => n.label);
    expect(edgeNodes).toEqual(expected.edgePath);
    for (const region of expected.regions) {
      const entry = nodeIn(topology, region, expected.entry);
      expect(edgeLabel(topology, path[path.length - 1], entry)).toMatch(/HTTPS 443/);
    }
  });

  test('services with their pod ranges reach each data store they declare, on its port, and no other', () => {
    const { topology, environment } = topologyOf(stage);
    const expected = expectedTopology(environment, synthesis);
    for (const region of expected.regions) {
      const entry = nodeIn(topology, region, expected.entry);
      const services = expected.services[region].map((label) => nodeIn(topology, region, label));
      // Every public service is behind the ALB, on its node port; queue workers are not.
      if (expected.cluster) {
        const reached = services
          .filter((s) => edgeLabel(topology, entry, s) !== '(no edge)')
          .map((s) => [topology.nodes.find((n) => n.id === s)!.label.split(' ')[0], edgeLabel(topology, entry, s)]);
        expect(reached).toEqual(
          environment.environment.services.filter((s) => publicPorts(s).length > 0).map((s) => [s.name, `HTTP ${publicPorts(s)[0].nodePort}`]),
        );
      }
      const stores = topology.nodes.filter(
        (n) => n.group !== undefined && (n.group === region || n.group === `${region}-eks`) && ['database', 'cache', 'queue', 'search'].includes(n.kind),
      );
      expect(stores.map((n) => n.label).sort()).toEqual(expected.stores.map((s) => s.label).sort());
      for (const store of expected.stores) {
        const id = nodeIn(topology, region, store.label);
        for (const s of services) {
          // A service node is labelled "<service> <pods> pods"; the hosts node runs every service; a platform
          // Deployment (no service file) reaches only what its spec and role name (test/graph/platform-edges.test.ts).
          const node = topology.nodes.find((n) => n.id === s)!;
          const name = node.label.split(' ')[0];
          const declared = environment.environment.services.find((d) => d.name === name)?.dataStores ?? (node.kind === 'compute' ? [store.kind] : []);
          const wanted = declared.includes(store.kind) ? store.port : '(no edge)';
          expect(`${name} → ${store.label}: ${edgeLabel(topology, s, id)}`).toBe(`${name} → ${store.label}: ${wanted}`);
        }
      }
    }
  });

  test('every edge joins two nodes of the diagram; every node but the users is in a group', () => {
    const { topology } = topologyOf(stage);
    const ids = new Set(topology.nodes.map((n) => n.id));
    expect(ids.size).toBe(topology.nodes.length);
    expect(topology.edges.filter((e) => !ids.has(e.from) || !ids.has(e.to))).toEqual([]);
    expect(topology.nodes.filter((n) => n.group === undefined).map((n) => n.id)).toEqual(['users']);
  });
});

test('massive: CockroachDB replicates between every pair of regions over the peered VPCs', () => {
  const { topology, environment } = topologyOf('massive');
  const regions = environment.environment.regions.map((r) => r.code);
  const links = topology.edges.filter((e) => e.label === 'Raft 26257 over VPC peering');
  const pairs = links
    .map((e) =>
      [e.from, e.to]
        .map((id) => topology.nodes.find((n) => n.id === id)!.group!.replace(/-eks$/, ''))
        .sort()
        .join(' ↔ '),
    )
    .sort();
  const expected = regions.flatMap((a, i) => regions.slice(i + 1).map((b) => [a, b].sort().join(' ↔ '))).sort();
  expect(pairs).toEqual(expected);
});

test('without an apps stack, pods and CockroachDB nodes come from the Blueprint and say so', () => {
  const massive = sized.find((s) => s.environment.stage === 'massive')!;
  const withoutApps: Synthesis = { label: 'no apps', stacks: synthesis.stacks.filter((s) => !s.name.endsWith('-apps')) };
  const topology = buildTopology(withoutApps, massive);
  const fromBlueprint = topology.nodes.filter((n) => n.source === 'blueprint').map((n) => n.label.replace(/ \d.*$/, ''));
  expect([...new Set(fromBlueprint)].sort()).toEqual(['CockroachDB', ...massive.environment.services.map((s) => s.name)].sort());
});

test.each(STAGES)('%s: a node read from the synthesis names its resources; one from the Blueprint names none', (stage) => {
  const { topology } = topologyOf(stage);
  for (const n of topology.nodes.filter((n) => n.kind !== 'users'))
    expect(`${n.label}: ${n.source} ${n.resources.length > 0}`).toBe(`${n.label}: ${n.source} ${n.source === 'synthesis'}`);
});

test('resource level: one node per Terraform resource, grouped by stack, edges from references', () => {
  const environment = sized.find((s) => s.environment.stage === 'traction')!;
  const topology = buildTopology(synthesis, environment, 'resource');
  const stacks = synthesis.stacks.filter((s) => s.name.startsWith(`${environment.environment.name}-`));
  const resourceCount = stacks.reduce(
    (sum, s) => sum + Object.values((s.json.resource ?? {}) as Record<string, object>).reduce((n, byName) => n + Object.keys(byName).length, 0),
    0,
  );
  expect(topology.level).toBe('resource');
  expect(topology.groups.map((g) => g.id).sort()).toEqual(stacks.map((s) => s.name).sort());
  expect(topology.nodes).toHaveLength(resourceCount);
  const instance = topology.nodes.find((n) => n.label === 'aws_instance')!;
  const template = topology.nodes.find((n) => n.label === 'aws_launch_template')!;
  expect(topology.edges).toContainEqual({ from: instance.id, to: template.id });
});
