/**
 * The force-new table (review/force-new.ts) against the real AWS provider 5.100.0: each case
 * is a resource in a stub state and the same resource with one argument changed in the
 * configuration; one `terraform plan -refresh=false` (no API calls) tells, for every case,
 * whether the provider updates or replaces. The table must agree, except where it says it is
 * unsure, and there the plan must still do what the case expects.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AWS_PROVIDER_VERSION, findProviderMirror, findTerraform, OFFLINE_AWS_CREDENTIALS } from '../../terraform/offline';
import { forceNewEntry, unsureNote } from '../../review/force-new';
import { requireTerraform, runTerraformSync } from '../helpers/terraform';

const terraform = findTerraform();
const mirror = findProviderMirror();
const describeWithTerraform = requireTerraform('the force-new table against hashicorp/aws 5.100.0 (constructs/shared/force-new.ts)');

const KMS = 'arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111';
const KMS2 = 'arn:aws:kms:us-east-1:111111111111:key/22222222-2222-2222-2222-222222222222';
type Body = Record<string, unknown>;

/** Each type's arguments as configured, and what the provider computes into state that the configuration leaves unset. */
const BASES: Record<string, { config: Body; computed?: Body; schemaVersion?: number }> = {
  aws_db_instance: {
    schemaVersion: 2,
    config: {
      identifier: 'db',
      engine: 'postgres',
      engine_version: '16.6',
      instance_class: 'db.t4g.large',
      allocated_storage: 20,
      storage_encrypted: true,
      kms_key_id: KMS,
      username: 'postgres',
      skip_final_snapshot: true,
      multi_az: false,
      availability_zone: 'us-east-1a',
      publicly_accessible: false,
    },
  },
  aws_rds_cluster: {
    schemaVersion: 1,
    config: {
      cluster_identifier: 'c',
      engine: 'aurora-postgresql',
      engine_version: '16.6',
      master_username: 'postgres',
      storage_encrypted: true,
      kms_key_id: KMS,
      skip_final_snapshot: true,
      db_subnet_group_name: 'g1',
      backup_retention_period: 7,
    },
    computed: { availability_zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'], engine_mode: 'provisioned' },
  },
  aws_elasticache_replication_group: {
    schemaVersion: 2,
    config: {
      replication_group_id: 'r',
      description: 'd',
      engine: 'redis',
      engine_version: '7.1',
      node_type: 'cache.t4g.small',
      num_cache_clusters: 1,
      at_rest_encryption_enabled: 'true',
      transit_encryption_enabled: true,
      port: 6379,
      kms_key_id: KMS,
      subnet_group_name: 'g1',
    },
    computed: { security_group_names: [] },
  },
  aws_ebs_volume: { config: { availability_zone: 'us-east-1a', size: 10, encrypted: true, type: 'gp3', kms_key_id: KMS } },
  aws_s3_bucket: { config: { bucket: 'stagecraft-force-new-check' } },
  aws_eks_cluster: {
    schemaVersion: 1,
    config: {
      name: 'eks',
      role_arn: 'arn:aws:iam::111111111111:role/r',
      version: '1.33',
      vpc_config: [{ subnet_ids: ['subnet-1', 'subnet-2'], security_group_ids: ['sg-1'], endpoint_private_access: true, endpoint_public_access: false }],
    },
    computed: { bootstrap_self_managed_addons: true },
  },
  aws_eks_node_group: {
    config: {
      cluster_name: 'eks',
      node_group_name: 'general',
      node_role_arn: 'arn:aws:iam::111111111111:role/n',
      subnet_ids: ['subnet-1'],
      instance_types: ['m6i.xlarge'],
      scaling_config: [{ min_size: 2, max_size: 3, desired_size: 2 }],
      launch_template: [{ id: 'lt-1', version: '1' }],
    },
    computed: { ami_type: 'AL2023_x86_64_STANDARD', capacity_type: 'ON_DEMAND', disk_size: 20 },
  },
  aws_instance: {
    schemaVersion: 1,
    config: { ami: 'ami-11111111', instance_type: 't3.small', subnet_id: 'subnet-1', user_data: 'a' },
    computed: { security_groups: [], ipv6_addresses: [] },
  },
  aws_launch_template: {
    config: { name: 'template', instance_type: 't3.small', metadata_options: [{ http_tokens: 'required', http_put_response_hop_limit: 1 }] },
    computed: { name_prefix: '' },
  },
  aws_opensearch_domain: {
    config: {
      domain_name: 'search',
      engine_version: 'OpenSearch_2.17',
      encrypt_at_rest: [{ enabled: true, kms_key_id: KMS }],
      node_to_node_encryption: [{ enabled: true }],
    },
  },
  aws_msk_cluster: {
    config: {
      cluster_name: 'kafka',
      kafka_version: '3.6.0',
      number_of_broker_nodes: 3,
      broker_node_group_info: [{ instance_type: 'kafka.m7g.large', client_subnets: ['subnet-1', 'subnet-2', 'subnet-3'], security_groups: ['sg-1'] }],
      encryption_info: [{ encryption_at_rest_kms_key_arn: KMS, encryption_in_transit: [{ client_broker: 'TLS', in_cluster: true }] }],
    },
  },
  aws_mq_broker: {
    config: {
      broker_name: 'mq',
      engine_type: 'RabbitMQ',
      engine_version: '3.13',
      host_instance_type: 'mq.m5.large',
      publicly_accessible: false,
      deployment_mode: 'SINGLE_INSTANCE',
      subnet_ids: ['subnet-1'],
      user: [{ username: 'admin', password: 'passwordpassword1' }],
      auto_minor_version_upgrade: true,
    },
  },
  aws_kms_key: {
    config: { description: 'k', enable_key_rotation: true, customer_master_key_spec: 'SYMMETRIC_DEFAULT', deletion_window_in_days: 30 },
    computed: { key_usage: 'ENCRYPT_DECRYPT' },
  },
  aws_vpc_security_group_ingress_rule: { config: { security_group_id: 'sg-1', cidr_ipv4: '10.0.0.0/16', ip_protocol: 'tcp', from_port: 5432, to_port: 5432 } },
  aws_security_group: { config: { name: 'sg', description: 'd', vpc_id: 'vpc-1' } },
  aws_security_group_rule: {
    config: { type: 'ingress', security_group_id: 'sg-1', protocol: 'tcp', from_port: 443, to_port: 443, cidr_blocks: ['10.0.0.0/16'] },
  },
  aws_vpc: { config: { cidr_block: '10.0.0.0/16' } },
  aws_lb: {
    config: { name: 'alb', load_balancer_type: 'application', internal: false, subnets: ['subnet-1', 'subnet-2'], security_groups: ['sg-1'] },
    computed: { ip_address_type: 'ipv4' },
  },
  aws_lb_listener: {
    config: {
      load_balancer_arn: 'arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/alb/1',
      port: 443,
      protocol: 'HTTPS',
      ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      certificate_arn: 'arn:aws:acm:us-east-1:111111111111:certificate/1',
      default_action: [{ type: 'fixed-response', fixed_response: [{ content_type: 'text/plain', status_code: '404' }] }],
    },
  },
  aws_secretsmanager_secret_version: { config: { secret_id: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:s', secret_string: 'aaaa' } },
  aws_db_parameter_group: {
    config: { name: 'pg', family: 'postgres16', description: 'd', parameter: [{ name: 'rds.force_ssl', value: '1', apply_method: 'pending-reboot' }] },
  },
  aws_cloudwatch_log_group: { config: { name: '/x', retention_in_days: 30, kms_key_id: KMS } },
};

/** [type, changed path, new value, what the provider does]. */
const CASES: ReadonlyArray<readonly [string, string, unknown, 'update' | 'replace']> = [
  ['aws_db_instance', 'instance_class', 'db.r7g.large', 'update'],
  ['aws_db_instance', 'engine_version', '17.2', 'update'],
  ['aws_db_instance', 'storage_encrypted', false, 'replace'],
  ['aws_db_instance', 'identifier', 'db2', 'update'],
  ['aws_db_instance', 'kms_key_id', KMS2, 'replace'],
  ['aws_db_instance', 'engine', 'mysql', 'replace'],
  ['aws_db_instance', 'availability_zone', 'us-east-1b', 'replace'],
  ['aws_db_instance', 'multi_az', true, 'update'],
  ['aws_db_instance', 'username', 'admin2', 'replace'],
  ['aws_db_instance', 'publicly_accessible', true, 'update'],
  ['aws_rds_cluster', 'storage_encrypted', false, 'replace'],
  ['aws_rds_cluster', 'engine_version', '16.8', 'update'],
  ['aws_rds_cluster', 'db_subnet_group_name', 'g2', 'replace'],
  ['aws_rds_cluster', 'cluster_identifier', 'c2', 'replace'],
  ['aws_elasticache_replication_group', 'at_rest_encryption_enabled', 'false', 'replace'],
  ['aws_elasticache_replication_group', 'node_type', 'cache.r7g.large', 'update'],
  ['aws_elasticache_replication_group', 'transit_encryption_enabled', false, 'update'],
  ['aws_elasticache_replication_group', 'port', 6380, 'replace'],
  ['aws_elasticache_replication_group', 'engine_version', '7.0', 'replace'],
  ['aws_elasticache_replication_group', 'kms_key_id', KMS2, 'replace'],
  ['aws_elasticache_replication_group', 'subnet_group_name', 'g2', 'replace'],
  ['aws_elasticache_replication_group', 'engine', 'valkey', 'update'],
  ['aws_ebs_volume', 'encrypted', false, 'replace'],
  ['aws_ebs_volume', 'size', 20, 'update'],
  ['aws_ebs_volume', 'availability_zone', 'us-east-1b', 'replace'],
  ['aws_ebs_volume', 'kms_key_id', KMS2, 'replace'],
  ['aws_s3_bucket', 'bucket', 'stagecraft-force-new-check-2', 'replace'],
  ['aws_eks_cluster', 'vpc_config.subnet_ids', ['subnet-1', 'subnet-3'], 'update'],
  ['aws_eks_cluster', 'vpc_config.security_group_ids', ['sg-2'], 'update'],
  ['aws_eks_cluster', 'name', 'eks2', 'replace'],
  ['aws_eks_cluster', 'version', '1.34', 'update'],
  ['aws_eks_cluster', 'vpc_config.endpoint_public_access', true, 'update'],
  ['aws_eks_cluster', 'encryption_config', [{ resources: ['secrets'], provider: [{ key_arn: KMS2 }] }], 'update'],
  ['aws_eks_node_group', 'instance_types', ['m6i.2xlarge'], 'replace'],
  ['aws_eks_node_group', 'launch_template.version', '2', 'update'],
  ['aws_eks_node_group', 'launch_template.id', 'lt-2', 'replace'],
  ['aws_eks_node_group', 'scaling_config.max_size', 5, 'update'],
  ['aws_instance', 'ami', 'ami-22222222', 'replace'],
  ['aws_instance', 'instance_type', 't3.large', 'update'],
  ['aws_instance', 'subnet_id', 'subnet-2', 'replace'],
  ['aws_instance', 'user_data', 'b', 'update'],
  ['aws_launch_template', 'metadata_options.http_tokens', 'optional', 'update'],
  ['aws_launch_template', 'name', 'template2', 'replace'],
  ['aws_opensearch_domain', 'domain_name', 'search2', 'replace'],
  ['aws_opensearch_domain', 'engine_version', 'OpenSearch_2.19', 'update'],
  ['aws_opensearch_domain', 'encrypt_at_rest.kms_key_id', KMS2, 'replace'],
  ['aws_opensearch_domain', 'encrypt_at_rest.enabled', false, 'replace'],
  ['aws_opensearch_domain', 'node_to_node_encryption.enabled', false, 'replace'],
  ['aws_msk_cluster', 'cluster_name', 'kafka2', 'replace'],
  ['aws_msk_cluster', 'kafka_version', '3.7.x', 'update'],
  ['aws_msk_cluster', 'broker_node_group_info.client_subnets', ['subnet-1', 'subnet-2', 'subnet-4'], 'replace'],
  ['aws_msk_cluster', 'broker_node_group_info.instance_type', 'kafka.m7g.xlarge', 'update'],
  ['aws_msk_cluster', 'encryption_info.encryption_at_rest_kms_key_arn', KMS2, 'replace'],
  ['aws_msk_cluster', 'encryption_info.encryption_in_transit.in_cluster', false, 'replace'],
  ['aws_msk_cluster', 'encryption_info.encryption_in_transit.client_broker', 'TLS_PLAINTEXT', 'update'],
  ['aws_mq_broker', 'publicly_accessible', true, 'replace'],
  ['aws_mq_broker', 'host_instance_type', 'mq.m5.xlarge', 'update'],
  ['aws_mq_broker', 'deployment_mode', 'CLUSTER_MULTI_AZ', 'replace'],
  ['aws_mq_broker', 'encryption_options', [{ use_aws_owned_key: false, kms_key_id: KMS }], 'replace'],
  ['aws_kms_key', 'customer_master_key_spec', 'RSA_2048', 'replace'],
  ['aws_kms_key', 'enable_key_rotation', false, 'update'],
  ['aws_vpc_security_group_ingress_rule', 'cidr_ipv4', '0.0.0.0/0', 'update'],
  ['aws_vpc_security_group_ingress_rule', 'from_port', 5433, 'update'],
  ['aws_vpc_security_group_ingress_rule', 'security_group_id', 'sg-2', 'replace'],
  ['aws_security_group', 'description', 'd2', 'replace'],
  ['aws_security_group', 'name', 'sg2', 'replace'],
  ['aws_security_group_rule', 'cidr_blocks', ['0.0.0.0/0'], 'replace'],
  ['aws_vpc', 'cidr_block', '10.1.0.0/16', 'replace'],
  ['aws_lb', 'subnets', ['subnet-1', 'subnet-3'], 'update'],
  ['aws_lb', 'internal', true, 'replace'],
  ['aws_lb', 'security_groups', ['sg-2'], 'update'],
  ['aws_lb_listener', 'ssl_policy', 'ELBSecurityPolicy-2016-08', 'update'],
  ['aws_lb_listener', 'port', 8443, 'update'],
  ['aws_secretsmanager_secret_version', 'secret_string', 'bbbb', 'replace'],
  ['aws_db_parameter_group', 'parameter', [{ name: 'rds.force_ssl', value: '0', apply_method: 'pending-reboot' }], 'update'],
  ['aws_db_parameter_group', 'family', 'postgres17', 'replace'],
  ['aws_cloudwatch_log_group', 'kms_key_id', KMS2, 'update'],
  ['aws_cloudwatch_log_group', 'name', '/y', 'replace'],
];

/** A deep copy of `body` with the (block-aware) dotted `path` set to `value`. */
function withValue(body: Body, path: string, value: unknown): Body {
  const copy = structuredClone(body);
  const keys = path.split('.');
  let node: Body = copy;
  for (const key of keys.slice(0, -1)) node = (Array.isArray(node[key]) ? (node[key] as Body[])[0] : node[key]) as Body;
  node[keys[keys.length - 1]] = value;
  return copy;
}

const terraformRun = (args: string[], cwd: string, cliConfig: string) => runTerraformSync(terraform as string, args, cwd, cliConfig);

describeWithTerraform('the force-new table against provider 5.100.0', () => {
  let dir: string;
  const planned = new Map<string, { actions: string[]; replacePaths: unknown[] }>();

  beforeAll(
    () => {
      dir = mkdtempSync(join(tmpdir(), 'stagecraft-force-new-'));
      const cliConfig = join(dir, 'terraform.rc');
      writeFileSync(
        cliConfig,
        `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/hashicorp/*"]\n  }\n}\n`,
      );
      const resources: Record<string, Record<string, Body>> = {};
      const state: Body[] = [];
      CASES.forEach(([type, path, value], i) => {
        const base = BASES[type];
        (resources[type] ??= {})[`case_${i}`] = withValue(base.config, path, value);
        state.push({
          mode: 'managed',
          type,
          name: `case_${i}`,
          provider: 'provider["registry.terraform.io/hashicorp/aws"]',
          instances: [
            {
              schema_version: base.schemaVersion ?? 0,
              attributes: { ...structuredClone(base.config), ...(base.computed ?? {}), id: `${type}-${i}`, arn: `arn:aws:stub:us-east-1:111111111111:${i}` },
              sensitive_attributes: [],
            },
          ],
        });
      });
      // MSK computes az_distribution inside a block, which `computed` cannot express.
      for (const entry of state.filter((s) => s.type === 'aws_msk_cluster')) {
        const attributes = (entry.instances as Array<{ attributes: Body }>)[0].attributes;
        (attributes.broker_node_group_info as Body[])[0].az_distribution = 'DEFAULT';
      }
      writeFileSync(
        join(dir, 'main.tf.json'),
        JSON.stringify({
          terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: AWS_PROVIDER_VERSION } } },
          provider: { aws: [{ region: 'us-east-1', ...OFFLINE_AWS_CREDENTIALS }] },
          resource: resources,
        }),
      );
      writeFileSync(
        join(dir, 'terraform.tfstate'),
        JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 1, lineage: 'stagecraft-force-new', outputs: {}, resources: state }),
      );
      for (const args of [
        ['init', '-input=false', '-no-color'],
        ['plan', '-refresh=false', '-input=false', '-no-color', '-lock=false', '-out=tfplan'],
      ]) {
        const result = terraformRun(args, dir, cliConfig);
        if (result.status !== 0) throw new Error(`terraform ${args[0]} failed: ${result.stderr || result.stdout}`);
      }
      const show = terraformRun(['show', '-json', 'tfplan'], dir, cliConfig);
      const plan = JSON.parse(show.stdout) as { resource_changes: Array<{ address: string; change: { actions: string[]; replace_paths?: unknown[] } }> };
      for (const rc of plan.resource_changes) planned.set(rc.address, { actions: rc.change.actions, replacePaths: rc.change.replace_paths ?? [] });
    },
    10 * 60 * 1000,
  );

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(CASES.map(([type, path, , expected], i) => [`${type}.${path}`, type, path, expected, i] as const))('%s: %s', (_, type, path, expected, i) => {
    const change = planned.get(`${type}.case_${i}`);
    const actual = change?.actions.includes('delete') && change.actions.includes('create') ? 'replace' : change?.actions.join('+');
    expect({ path, plan: actual, replacePaths: change?.replacePaths.length ? change.replacePaths : undefined }).toMatchObject({ path, plan: expected });
    if (!unsureNote(type, path)) expect({ path, table: forceNewEntry(type, path) !== undefined ? 'replace' : 'update' }).toEqual({ path, table: expected });
  });
});
