/** The topology model `graph` and `report` draw: components at the level a reader thinks in, grouped by region and edge. */
import { Stage } from '../config/stages';

/** What a node stands for; renderers pick a shape from it. `api`: AWS service APIs reached over HTTPS outside the VPC. */
export type NodeKind = 'users' | 'edge' | 'load-balancer' | 'compute' | 'service' | 'database' | 'cache' | 'queue' | 'search' | 'storage' | 'api' | 'resource';

/** A box around nodes: the Cloudflare edge, one AWS region, the EKS cluster inside it (or, at resource level, one stack). */
export interface TopologyGroup {
  readonly id: string;
  readonly label: string;
  readonly kind: 'edge' | 'region' | 'cluster' | 'stack';
  /** The group this one is drawn inside. */
  readonly parent?: string;
}

export interface TopologyNode {
  readonly id: string;
  readonly kind: NodeKind;
  /** What it is, with its headline size: "Redis Cluster 3×2", "Aurora 1+2". */
  readonly label: string;
  /** A second line: instance types, ranges. */
  readonly detail?: string;
  /** The group the node is drawn in; none for the users outside every group. */
  readonly group?: string;
  /** Where the size came from: the synthesized JSON, or the Blueprint when the JSON lacks it. */
  readonly source: 'synthesis' | 'blueprint';
  /** Terraform addresses (`<stack>:<type>.<name>`) the node stands for. */
  readonly resources: readonly string[];
}

export interface TopologyEdge {
  readonly from: string;
  readonly to: string;
  /** Protocol and port, or what flows: "HTTPS 443", "TCP 6379". */
  readonly label?: string;
}

export type TopologyLevel = 'component' | 'resource';

export interface Topology {
  readonly environment: string;
  readonly stage: Stage;
  readonly level: TopologyLevel;
  readonly groups: readonly TopologyGroup[];
  readonly nodes: readonly TopologyNode[];
  readonly edges: readonly TopologyEdge[];
}
