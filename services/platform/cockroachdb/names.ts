/**
 * Names the Kubernetes objects and the regional AWS resources of CockroachDB must agree on:
 * the Pod Identity association names the namespace and service accounts, the IAM policy names
 * the CA secrets, the join endpoint's DNS name is in every node certificate. One table, so
 * the two sides cannot drift.
 */
import { RESERVED_NODE_PORTS } from '../../../config/service-definition';

/** Namespace of every CockroachDB object. */
export const COCKROACH_NAMESPACE = 'cockroachdb';
/** Service account of the database pods and the init Job: reads the CA, writes backups. */
export const COCKROACH_SERVICE_ACCOUNT = 'cockroachdb';
/** Service account of each region's CA bootstrap Job: the one writer of that region's CA secrets. */
export const COCKROACH_CA_WRITER_SERVICE_ACCOUNT = 'cockroachdb-ca-writer';
/** SQL and inter-node (gRPC) port. */
export const COCKROACH_SQL_PORT = 26257;
/** DB Console and health endpoints. */
export const COCKROACH_HTTP_PORT = 8080;
/**
 * Node port of the join Service (massive). The regional internal NLB forwards 26257 to it on
 * the dedicated nodes; inside 30000–32767, the default NodePort range.
 */
export const COCKROACH_JOIN_NODE_PORT = RESERVED_NODE_PORTS.cockroachJoin;
/** Label of the dedicated node group (stacks/cluster.ts) and its taint. */
export const COCKROACH_POOL_LABEL = { key: 'stagecraft/pool', value: 'cockroachdb' } as const;
export const COCKROACH_TAINT = { key: 'stagecraft/dedicated', value: 'cockroachdb' } as const;
/**
 * Node label holding the availability zone ID (`use1-az1`) that AWS's cloud controller sets
 * on EKS nodes; zone IDs are what the environment lists, and they mean the same in every account.
 */
export const ZONE_ID_NODE_LABEL = 'topology.k8s.aws/zone-id';

/** Secrets Manager names of a region's copy of the cluster CA (certificate and private key). */
export function caSecretNames(namePrefix: string): { readonly certificate: string; readonly key: string } {
  return { certificate: `${namePrefix}/cockroachdb/ca-crt`, key: `${namePrefix}/cockroachdb/ca-key` };
}

/** Private hosted zone, shared by the environment's VPCs, that holds each region's join name (massive). */
export function joinZoneName(environment: string): string {
  return `cockroachdb.${environment}.internal`;
}

/** The stable name other regions join a region's nodes through (massive). */
export function regionJoinHost(environment: string, region: string): string {
  return `${region}.${joinZoneName(environment)}`;
}

/**
 * A region's backup bucket name before the account suffix: the bucket is
 * `<env>-<region>-crdb-<account id>` (stacks/data-stores.ts), output as `cockroachdb_backup_bucket`.
 */
export function backupBucketBaseName(environment: string, region: string): string {
  return `${environment}-${region}-crdb`;
}

/** A region's whole backup bucket name, `<env>-<region>-crdb-<account id>`, as the DataBucket builds it. */
export function backupBucketName(environment: string, region: string, accountId: string): string {
  return `${backupBucketBaseName(environment, region)}-${accountId}`;
}
