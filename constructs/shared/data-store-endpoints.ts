/**
 * How a service reaches one data store in one region: where it is on the network (for
 * NetworkPolicies and security groups), the environment variables that point the service at
 * it, and the Secrets Manager secrets it may read. Filled by the regional stack's composers
 * from the resources they create; values may be Terraform references.
 */
import { DataStoreKind } from '../../config/service-definition';

/** Where a data store listens: addresses in the VPC, or pods in a namespace of the cluster. */
export type DataStorePeer = { readonly cidrs: readonly string[] } | { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };

export interface DataStoreEndpoint {
  readonly kind: DataStoreKind;
  /** What runs it (`RDS PostgreSQL`, `ElastiCache Redis`, ...), for reports. */
  readonly engine: string;
  readonly port: number;
  /** Undefined for AWS APIs without a fixed address (S3): reached through the shared HTTPS egress. */
  readonly peer?: DataStorePeer;
  /** Endpoints and secret references, by environment variable name. */
  readonly env: Readonly<Record<string, string>>;
  /** Secrets the service reads at start (ARNs). */
  readonly secretArns: readonly string[];
  /** S3 buckets the service reads and writes (ARNs). */
  readonly bucketArns: readonly string[];
  /** Further IAM permissions the store needs of its clients (IAM authentication, for example). @default none */
  readonly iamGrants?: readonly IamGrant[];
}

/** One IAM policy statement a data store's clients need. */
export interface IamGrant {
  /** Statement id, unique in the policy (letters and digits). */
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

/** The data stores of one region, by kind. */
export type DataStoreEndpoints = Partial<Record<DataStoreKind, DataStoreEndpoint>>;

/** The environment variables of the stores a service declares, in one object. */
export function bindingsFor(dataStores: readonly DataStoreKind[], endpoints: DataStoreEndpoints): Record<string, string> {
  return Object.assign({}, ...dataStores.map((kind) => endpoints[kind]?.env ?? {})) as Record<string, string>;
}
