/**
 * Resource types grouped by what they mean to a reviewer. Shared by the guardrails
 * (prevent_destroy on stateful resources) and the review (data-loss section).
 */

/**
 * Resources whose destruction loses data: databases, caches, queues, search, streams, buckets,
 * volumes, Kubernetes StatefulSets and volume claims, the keys that decrypt everything, and the
 * vault holding the backups. Each is listed with what is lost.
 */
export const STATEFUL_TYPES: Readonly<Record<string, string>> = {
  aws_db_instance: 'database',
  aws_rds_cluster: 'database cluster (all its data)',
  aws_docdb_cluster: 'document database',
  aws_dynamodb_table: 'table',
  aws_elasticache_replication_group: 'Redis data',
  aws_elasticache_cluster: 'cache data',
  aws_memorydb_cluster: 'Redis data',
  aws_mq_broker: 'queued messages',
  aws_msk_cluster: 'Kafka topics',
  aws_opensearch_domain: 'search indices',
  aws_s3_bucket: 'objects',
  aws_ebs_volume: 'volume data',
  aws_efs_file_system: 'files',
  aws_kms_key: 'the key, and with it everything encrypted under it',
  aws_backup_vault: 'recovery points',
  kubernetes_stateful_set: 'StatefulSet (its volume claims may be released)',
  kubernetes_stateful_set_v1: 'StatefulSet (its volume claims may be released)',
  kubernetes_persistent_volume_claim: 'volume data',
  kubernetes_persistent_volume_claim_v1: 'volume data',
};

export function isStateful(type: string): boolean {
  return type in STATEFUL_TYPES;
}

/** Kubernetes workload types whose pod template the pod-hardening rules read (the apps stacks apply the `_v1` ones). */
export const KUBERNETES_WORKLOAD_TYPES: readonly string[] = [
  'kubernetes_deployment',
  'kubernetes_deployment_v1',
  'kubernetes_stateful_set',
  'kubernetes_stateful_set_v1',
  'kubernetes_daemonset',
  'kubernetes_daemon_set_v1',
  'kubernetes_job',
  'kubernetes_job_v1',
  'kubernetes_cron_job',
  'kubernetes_cron_job_v1',
];

/** Kubernetes types whose pods run to completion (no probes), among the workload types. */
export const KUBERNETES_RUN_TO_COMPLETION_TYPES: readonly string[] = ['kubernetes_job', 'kubernetes_job_v1', 'kubernetes_cron_job', 'kubernetes_cron_job_v1'];
