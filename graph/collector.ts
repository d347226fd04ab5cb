/** Accumulates a topology's groups, nodes and edges while the readers walk the stacks. */
import { TopologyEdge, TopologyGroup, TopologyNode } from './model';

export class TopologyCollector {
  readonly groups: TopologyGroup[] = [];
  readonly nodes: TopologyNode[] = [];
  readonly edges: TopologyEdge[] = [];

  group(group: TopologyGroup): string {
    this.groups.push(group);
    return group.id;
  }

  node(node: TopologyNode): string {
    this.nodes.push(node);
    return node.id;
  }

  /** Adds an edge once; a repeated from/to pair is ignored. */
  edge(from: string, to: string, label?: string): void {
    if (!this.edges.some((e) => e.from === from && e.to === to)) this.edges.push(label === undefined ? { from, to } : { from, to, label });
  }
}
