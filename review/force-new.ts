/**
 * Arguments whose change makes Terraform replace the resource (destroy and create, or create
 * and destroy), for the resource types Stagecraft emits. Without a plan, the review classifies
 * an update as a replacement when a changed path is, or lies under, one of these. With a plan,
 * the plan's own actions decide and this table is not used.
 *
 * Source: the AWS provider 5.100.0 schemas (`ForceNew`), the Kubernetes provider 2.x and the
 * Cloudflare provider 5.x. Entries in UNSURE depend on the values (a CustomizeDiff) or the
 * provider version; the review names them "may force replacement".
 *
 * `test/terraform/force-new.test.ts` plans ~80 single-argument changes against a stub state
 * with the real provider 5.100.0 (`terraform plan -refresh=false`) and checks this table
 * against the plan for each. Found that way, and not guessable from older documentation:
 * renaming an RDS instance (`identifier`) and changing an EKS cluster's subnets or security
 * groups are in place; downgrading Redis replaces the group; a new `secret_string` replaces
 * the secret version. Entries for types the test does not plan (Kubernetes, Cloudflare, most
 * S3 and IAM sub-resources) come from the schemas and documentation only.
 */

/** Resource type → arguments (dotted paths, no list indices) that force replacement. */
export const FORCE_NEW: Readonly<Record<string, readonly string[]>> = {
  // Data stores
  aws_db_instance: [
    'engine',
    'availability_zone',
    'storage_encrypted',
    'kms_key_id',
    'username',
    'db_name',
    'character_set_name',
    'nchar_character_set_name',
    'timezone',
    'snapshot_identifier',
    'restore_to_point_in_time',
    's3_import',
    'custom_iam_instance_profile',
  ],
  aws_rds_cluster: [
    'cluster_identifier',
    'cluster_identifier_prefix',
    'engine',
    'engine_mode',
    'database_name',
    'master_username',
    'storage_encrypted',
    'kms_key_id',
    'availability_zones',
    'db_subnet_group_name',
    'snapshot_identifier',
    'source_region',
    's3_import',
    'restore_to_point_in_time',
  ],
  aws_rds_cluster_instance: ['identifier', 'identifier_prefix', 'cluster_identifier', 'engine', 'availability_zone', 'db_subnet_group_name'],
  aws_elasticache_replication_group: [
    'replication_group_id',
    'at_rest_encryption_enabled',
    'kms_key_id',
    'subnet_group_name',
    'port',
    'snapshot_arns',
    'snapshot_name',
    'preferred_cache_cluster_azs',
    'security_group_names',
    'data_tiering_enabled',
  ],
  aws_mq_broker: ['broker_name', 'engine_type', 'deployment_mode', 'subnet_ids', 'publicly_accessible', 'encryption_options', 'storage_type'],
  aws_msk_cluster: [
    'cluster_name',
    'broker_node_group_info.client_subnets',
    'broker_node_group_info.security_groups',
    'broker_node_group_info.az_distribution',
    'encryption_info.encryption_at_rest_kms_key_arn',
    'encryption_info.encryption_in_transit.in_cluster',
  ],
  aws_opensearch_domain: ['domain_name', 'encrypt_at_rest.kms_key_id'],
  aws_s3_bucket: ['bucket', 'bucket_prefix', 'object_lock_enabled'],
  aws_ebs_volume: ['availability_zone', 'encrypted', 'kms_key_id', 'snapshot_id', 'outpost_arn'],
  aws_kms_key: ['customer_master_key_spec', 'key_usage', 'multi_region', 'custom_key_store_id', 'xks_key_id'],
  aws_backup_vault: ['name', 'kms_key_arn'],
  // Compute
  aws_instance: [
    'ami',
    'subnet_id',
    'availability_zone',
    'key_name',
    'private_ip',
    'placement_group',
    'associate_public_ip_address',
    'ipv6_address_count',
    'network_interface',
    'host_id',
    'launch_template.id',
    'launch_template.name',
    'root_block_device.encrypted',
    'root_block_device.kms_key_id',
    'ebs_block_device',
  ],
  aws_launch_template: ['name', 'name_prefix'],
  aws_eks_cluster: [
    'name',
    'role_arn',
    'kubernetes_network_config.service_ipv4_cidr',
    'kubernetes_network_config.ip_family',
    'access_config.bootstrap_cluster_creator_admin_permissions',
    'outpost_config',
    'bootstrap_self_managed_addons',
  ],
  aws_eks_node_group: [
    'cluster_name',
    'node_group_name',
    'node_group_name_prefix',
    'node_role_arn',
    'subnet_ids',
    'instance_types',
    'ami_type',
    'capacity_type',
    'disk_size',
    'remote_access',
    'launch_template.id',
    'launch_template.name',
  ],
  aws_eks_addon: ['cluster_name', 'addon_name'],
  aws_eks_pod_identity_association: ['cluster_name', 'namespace', 'service_account'],
  aws_volume_attachment: ['device_name', 'volume_id', 'instance_id'],
  aws_eip: ['domain', 'address', 'public_ipv4_pool', 'customer_owned_ipv4_pool', 'network_border_group'],
  // Network
  aws_vpc: ['cidr_block', 'ipv4_ipam_pool_id', 'ipv4_netmask_length'],
  aws_subnet: ['vpc_id', 'cidr_block', 'availability_zone', 'availability_zone_id', 'outpost_arn'],
  aws_security_group: ['name', 'name_prefix', 'vpc_id', 'description'],
  aws_default_security_group: ['vpc_id'],
  aws_security_group_rule: [
    'type',
    'security_group_id',
    'protocol',
    'from_port',
    'to_port',
    'cidr_blocks',
    'ipv6_cidr_blocks',
    'prefix_list_ids',
    'source_security_group_id',
    'self',
  ],
  aws_vpc_security_group_ingress_rule: ['security_group_id'],
  aws_vpc_security_group_egress_rule: ['security_group_id'],
  aws_nat_gateway: ['allocation_id', 'subnet_id', 'connectivity_type', 'private_ip'],
  aws_route_table: ['vpc_id'],
  aws_route: ['route_table_id', 'destination_cidr_block', 'destination_ipv6_cidr_block', 'destination_prefix_list_id'],
  aws_route_table_association: ['subnet_id', 'gateway_id'],
  aws_vpc_endpoint: ['vpc_id', 'service_name', 'vpc_endpoint_type'],
  aws_vpc_peering_connection: ['vpc_id', 'peer_vpc_id', 'peer_owner_id', 'peer_region'],
  aws_vpc_peering_connection_accepter: ['vpc_peering_connection_id'],
  aws_flow_log: [
    'vpc_id',
    'subnet_id',
    'eni_id',
    'log_destination',
    'log_destination_type',
    'log_group_name',
    'traffic_type',
    'iam_role_arn',
    'log_format',
    'max_aggregation_interval',
    'destination_options',
  ],
  aws_ec2_managed_prefix_list: ['address_family'],
  aws_lb: ['name', 'name_prefix', 'internal', 'load_balancer_type'],
  aws_lb_target_group: ['name', 'name_prefix', 'port', 'protocol', 'protocol_version', 'vpc_id', 'target_type'],
  aws_lb_listener: ['load_balancer_arn'],
  aws_acm_certificate: ['domain_name', 'subject_alternative_names', 'key_algorithm', 'certificate_authority_arn'],
  aws_acm_certificate_validation: ['certificate_arn', 'validation_record_fqdns'],
  // Subnet, parameter and option groups
  aws_db_subnet_group: ['name', 'name_prefix'],
  aws_db_parameter_group: ['name', 'name_prefix', 'family', 'description'],
  aws_rds_cluster_parameter_group: ['name', 'name_prefix', 'family', 'description'],
  aws_elasticache_subnet_group: ['name'],
  aws_elasticache_parameter_group: ['name', 'family', 'description'],
  aws_msk_configuration: ['name', 'kafka_versions'],
  // Encryption, secrets, identity, logs
  aws_kms_alias: ['name', 'name_prefix'],
  aws_kms_key_policy: ['key_id'],
  aws_secretsmanager_secret: ['name', 'name_prefix'],
  aws_secretsmanager_secret_version: ['secret_id', 'secret_string', 'secret_binary'],
  aws_iam_role: ['name', 'name_prefix', 'path'],
  aws_iam_role_policy: ['name', 'name_prefix', 'role'],
  aws_iam_role_policy_attachment: ['role', 'policy_arn'],
  aws_iam_instance_profile: ['name', 'name_prefix', 'path'],
  aws_cloudwatch_log_group: ['name', 'name_prefix'],
  aws_cloudwatch_log_resource_policy: ['policy_name'],
  aws_cloudwatch_metric_alarm: ['alarm_name'],
  aws_sns_topic: ['name', 'name_prefix', 'fifo_topic'],
  aws_sns_topic_subscription: ['topic_arn', 'protocol', 'endpoint'],
  aws_opensearch_domain_policy: ['domain_name'],
  aws_backup_selection: ['name', 'plan_id', 'iam_role_arn', 'selection_tag', 'resources', 'not_resources', 'condition'],
  // Every S3 bucket sub-resource is bound to its bucket.
  aws_s3_bucket_policy: ['bucket'],
  aws_s3_bucket_public_access_block: ['bucket'],
  aws_s3_bucket_ownership_controls: ['bucket'],
  aws_s3_bucket_server_side_encryption_configuration: ['bucket', 'expected_bucket_owner'],
  aws_s3_bucket_versioning: ['bucket', 'expected_bucket_owner'],
  aws_s3_bucket_lifecycle_configuration: ['bucket', 'expected_bucket_owner'],
  aws_s3_bucket_logging: ['bucket', 'expected_bucket_owner'],
  // Kubernetes and Cloudflare
  kubernetes_deployment: ['metadata.name', 'metadata.namespace', 'spec.selector'],
  kubernetes_deployment_v1: ['metadata.name', 'metadata.namespace', 'spec.selector'],
  kubernetes_stateful_set: [
    'metadata.name',
    'metadata.namespace',
    'spec.selector',
    'spec.service_name',
    'spec.volume_claim_template',
    'spec.pod_management_policy',
  ],
  kubernetes_stateful_set_v1: [
    'metadata.name',
    'metadata.namespace',
    'spec.selector',
    'spec.service_name',
    'spec.volume_claim_template',
    'spec.pod_management_policy',
    'spec.revision_history_limit',
  ],
  // Every field of a Job spec is ForceNew (kubernetes/schema_job_spec.go): the API refuses to change a Job's template.
  kubernetes_job: ['metadata.name', 'metadata.namespace', 'spec'],
  kubernetes_job_v1: ['metadata.name', 'metadata.namespace', 'spec'],
  cloudflare_dns_record: ['zone_id'],
};

/**
 * Entries whose effect depends on the provider version or on the values (a CustomizeDiff): the
 * review reports a change to one of them as "may force replacement", with this note.
 */
export const UNSURE: Readonly<Record<string, string>> = {
  'aws_elasticache_replication_group.engine': 'redis → valkey is an in-place upgrade; any other engine change replaces the group',
  'aws_elasticache_replication_group.engine_version': 'an upgrade is in place; a downgrade (7.1 → 7.0) replaces the group',
  'aws_eks_cluster.encryption_config': 'adding envelope encryption to a cluster is in place; EKS cannot change or remove it afterwards',
  'aws_opensearch_domain.vpc_options':
    'changing the subnets or security groups of a VPC domain is in place on current engines; adding or removing vpc_options replaces the domain',
  'aws_opensearch_domain.encrypt_at_rest.enabled': 'turning encryption on is in place on recent engines; turning it off replaces the domain',
  'aws_opensearch_domain.node_to_node_encryption.enabled': 'turning it on is in place on recent engines; turning it off replaces the domain',
  'aws_instance.user_data': 'replaces the instance only with user_data_replace_on_change = true; otherwise it stops and starts it',
  'aws_lb.subnets': 'in place for application load balancers; network load balancers are replaced when subnets are removed',
  'cloudflare_dns_record.type': 'depends on the Cloudflare provider version',
};

/** Blocks whose appearance or disappearance (not a change inside them) forces replacement. */
export const FORCE_NEW_WHEN_ADDED_OR_REMOVED: Readonly<Record<string, readonly string[]>> = {
  aws_opensearch_domain: ['vpc_options'],
};

/** The blocks of `type` present on one side only: every change under them forces replacement. */
export function blocksAddedOrRemoved(type: string, before: ReadonlyMap<string, unknown>, after: ReadonlyMap<string, unknown>): string[] {
  const present = (values: ReadonlyMap<string, unknown>, block: string) =>
    [...values.keys()].some((p) => p === block || p.startsWith(`${block}.`) || p.startsWith(`${block}[`));
  return (FORCE_NEW_WHEN_ADDED_OR_REMOVED[type] ?? []).filter((block) => present(before, block) !== present(after, block));
}

/** The force-new entry a changed path of `type` falls under, if any. */
export function forceNewEntry(type: string, path: string): string | undefined {
  const bare = path.replace(/\[\d+\]/g, '');
  return (FORCE_NEW[type] ?? []).find((entry) => bare === entry || bare.startsWith(`${entry}.`));
}

/** The UNSURE note for a changed path of `type`, if any. */
export function unsureNote(type: string, path: string): { entry: string; note: string } | undefined {
  const bare = path.replace(/\[\d+\]/g, '');
  for (const [key, note] of Object.entries(UNSURE)) {
    const [keyType, ...rest] = key.split('.');
    const entry = rest.join('.');
    if (keyType === type && (bare === entry || bare.startsWith(`${entry}.`))) return { entry, note };
  }
  return undefined;
}
