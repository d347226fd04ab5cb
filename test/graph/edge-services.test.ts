/**
 * An edge-first service in the diagram (the identity example's identity-edge): a node of its own in
 * the Cloudflare edge, reached from the edge Worker through its service binding on its paths, and
 * connected to the stores it declares in every region; its Worker and KV namespace are not
 * counted in the edge Worker's node.
 */
import { buildTopology } from '../../graph/build';
import { Topology } from '../../graph/model';
import { sizeEnvironments } from '../../sizing/blueprint';
import { edgeServiceRoutes, edgeServiceScriptName } from '../../stacks/edge-worker-config';
import { readSynthesis } from '../../synthesis/read';
import { Synthesis } from '../../synthesis/stack-views';
import { cachedExampleSynthesis, exampleEnvironments } from '../helpers/examples';

describe('an edge-first service in the component diagram', () => {
  const [environment] = exampleEnvironments('identity');
  const [sized] = sizeEnvironments([environment]);
  const [service] = environment.edgeServices;
  let synthesis: Synthesis;
  let topology: Topology;
  beforeAll(() => {
    // Synthesized once for every test file (test/examples/identity.test.ts reads it too).
    const { outdir } = cachedExampleSynthesis('identity');
    synthesis = readSynthesis(outdir, { command: 'test', flag: '--from', given: outdir });
    topology = buildTopology(synthesis, sized);
  }, 240_000);

  const edgeStack = () => synthesis.stacks.find((s) => s.name === `${environment.name}-edge`)!.json;
  /** `<stack>:<type>.<name>` of the service's Worker and of the KV namespaces it binds. */
  const serviceAddresses = () => {
    const stack = `${environment.name}-edge`;
    const scripts = edgeStack().resource!.cloudflare_workers_script as Record<string, { script_name: string; bindings: Array<Record<string, string>> }>;
    const [name, script] = Object.entries(scripts).find(([, s]) => s.script_name === edgeServiceScriptName(environment, service.name))!;
    const kv = script.bindings.filter((b) => b.type === 'kv_namespace').map((b) => /^\$\{(\w+\.[\w-]+)\.id\}$/.exec(b.namespace_id)![1]);
    return [`${stack}:cloudflare_workers_script.${name}`, ...kv.map((address) => `${stack}:${address}`)];
  };

  it('is its own node in the edge group, standing for its Worker and its KV namespace, not inside the Workers node', () => {
    const node = topology.nodes.find((n) => n.label === `${service.name} Worker`)!;
    const paths = [...new Set(edgeServiceRoutes(environment).map((r) => r.pathPrefix))];
    expect(node).toMatchObject({
      kind: 'service',
      group: 'edge',
      source: 'synthesis',
      detail: `${paths.join(', ')} · ${service.edge!.durableObjects.length} Durable Objects, ${service.edge!.kvNamespaces.length} KV`,
    });
    expect([...node.resources].sort()).toEqual(serviceAddresses().sort());
    const workers = topology.nodes.find((n) => n.id === 'edge-workers')!;
    expect(workers.resources.filter((r) => serviceAddresses().includes(r))).toEqual([]);
    const allKv = Object.keys(edgeStack().resource!.cloudflare_workers_kv_namespace ?? {}).length;
    expect(workers.detail).toMatch(new RegExp(`, ${allKv - service.edge!.kvNamespaces.length} KV$`));
    // The edge Worker forwards the service's paths to it through the service binding.
    expect(topology.edges.filter((e) => e.to === node.id)).toEqual([{ from: 'edge-workers', to: node.id, label: `service binding ${paths.join(', ')}` }]);
  });

  it('reaches the stores it declares in every region, and no other', () => {
    const node = topology.nodes.find((n) => n.label === `${service.name} Worker`)!;
    const reached = topology.edges.filter((e) => e.from === node.id).map((e) => [e.to, e.label]);
    expect(service.dataStores).toEqual(['database']);
    // In each region: the database node, on the label the region's own services reach it with.
    const expected = environment.regions.map((r) => {
      const database = topology.nodes.find((n) => n.group === r.code && n.kind === 'database')!;
      const regional = topology.edges.find((e) => e.to === database.id && e.from !== node.id)!;
      return [database.id, regional.label];
    });
    expect(expected.map(([id]) => topology.nodes.find((n) => n.id === id)!.label)).toEqual(environment.regions.map(() => 'CockroachDB Cloud'));
    expect(reached).toEqual(expected);
  });
});
