/**
 * How a service reaches one data store in one region: where it is on the network (for
 * NetworkPolicies and security groups), the environment variables that point the service at
 * it, and the Secrets Manager secrets it may read. Filled by the regional stack's composers
 * from the resources they create; values may be Terraform references.
 */
import { DataStoreKind, ServiceDefinition } from '../../config/service-definition';
import { ServiceManagedSecret } from './arn';

/**
 * What one service is given to authenticate to a store as itself (issue 15): its identity there
 * (a database user, a consumer group), the IAM statements its role needs for it, and a
 * Kubernetes Secret its pods mount (client certificates). Nothing in it is a secret value.
 */
export interface ServiceCredential {
  /** How it authenticates, for messages and docs: `IAM database user`, `client certificate`... */
  readonly mechanism: string;
  /** Environment variables naming its identity at the store. */
  readonly env: Readonly<Record<string, string>>;
  /** IAM policy statements for the service's role (rds-db:connect, kafka-cluster:*, es:ESHttp*). @default none */
  readonly statements?: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** Secrets Manager secrets of its own that it reads at run time (its broker password), ARNs. @default none */
  readonly secretArns?: readonly string[];
  /**
   * Secrets Manager secrets the fetch-secrets init container writes to files before the service
   * starts (services/kubernetes/app-secrets.ts), name → ARN or name: `<NAME>_FILE` tells it where
   * (its database password behind PgBouncer). @default none
   */
  readonly fileSecrets?: Readonly<Record<string, string>>;
  /** A Secret in the service's namespace that its pods mount read-only. @default none */
  readonly secretVolume?: { readonly secretName: string; readonly mountPath: string };
}

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
  /**
   * Secrets another AWS service names (the RDS-managed master secret), read like `secretArns`
   * and granted by name pattern and tag, so the policy is known at plan time. @default none
   */
  readonly managedSecrets?: readonly ServiceManagedSecret[];
  /** S3 buckets the service reads and writes (ARNs). */
  readonly bucketArns: readonly string[];
  /**
   * Each service's own credential, where the store has one per service (IAM database users,
   * MSK IAM, search role mappings, CockroachDB client certificates); absent where the store's
   * secrets above are the credential (Redis AUTH, RabbitMQ). @default none
   */
  readonly credentialFor?: (service: ServiceDefinition) => ServiceCredential;
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
export function bindingsFor(dataStores: readonly DataStoreKind[], endpoints: DataStoreEndpoints, service?: ServiceDefinition): Record<string, string> {
  return Object.assign(
    {},
    ...dataStores.map((kind) => {
      const store = endpoints[kind];
      return { ...store?.env, ...(service === undefined ? {} : store?.credentialFor?.(service).env) };
    }),
  ) as Record<string, string>;
}

/** The credentials of the stores `dataStores` names, for `service`. */
export function credentialsFor(service: ServiceDefinition, endpoints: DataStoreEndpoints): ServiceCredential[] {
  return service.dataStores.flatMap((kind) => {
    const credential = endpoints[kind]?.credentialFor?.(service);
    return credential ? [credential] : [];
  });
}
