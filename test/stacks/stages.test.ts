/**
 * The six example environments, synthesized once: per-stage topology, safe defaults that
 * hold on every stack, and one sorted snapshot per stage for review.
 */
import { createHash } from 'node:crypto';
import { ExampleSynthesis, StackJson, synthesizeExamples } from '../helpers/examples';
import { fromTerraformLiteral } from '../../synthesis/terraform-literal';
import { sizeBlueprint } from '../../sizing/blueprint';

let examples: ExampleSynthesis;
beforeAll(() => {
  examples = synthesizeExamples();
});

const count = (stack: string, type: string) => examples.resources(stack, type).length;
const blueprintOf = (name: string) => sizeBlueprint(examples.environments.find((e) => e.name === name)!).blueprint;
const regionalStacks = () => examples.summaries.filter((s) => !s.name.endsWith('-edge') && !s.name.endsWith('-apps')).map((s) => s.name);

describe('stack split', () => {
  it('names stacks <env>-<region>, <env>-<region>-apps (cluster stages) and <env>-edge, one region stack per region', () => {
    expect(examples.summaries.map((s) => s.name).sort()).toEqual(
      [
        'acme-growth-edge',
        'acme-growth-us-east-1',
        'acme-growth-us-east-1-apps',
        'acme-hyperscale-edge',
        'acme-hyperscale-us-east-1',
        'acme-hyperscale-us-east-1-apps',
        'acme-launch-edge',
        'acme-launch-us-east-1',
        'acme-massive-ap-northeast-1',
        'acme-massive-ap-northeast-1-apps',
        'acme-massive-edge',
        'acme-massive-eu-west-1',
        'acme-massive-eu-west-1-apps',
        'acme-massive-us-east-1',
        'acme-massive-us-east-1-apps',
        'acme-scale-edge',
        'acme-scale-us-west-2',
        'acme-scale-us-west-2-apps',
        'acme-traction-edge',
        'acme-traction-eu-west-1',
      ].sort(),
    );
  });

  it('keeps regional stacks on the AWS provider alone, so they plan offline', () => {
    for (const name of regionalStacks()) {
      expect(Object.keys(examples.stack(name).provider ?? {})).toEqual(['aws']);
    }
  });
});

describe('launch', () => {
  const stack = 'acme-launch-us-east-1';
  it('runs one host with a protected, backed-up data volume and no managed data stores', () => {
    expect(count(stack, 'aws_instance')).toBe(1);
    const [volume] = examples.resources(stack, 'aws_ebs_volume');
    expect(volume).toMatchObject({ encrypted: true, size: 50, final_snapshot: true, lifecycle: { prevent_destroy: true } });
    expect(volume.tags).toMatchObject({ 'stagecraft:backup': 'daily' });
    expect(count(stack, 'aws_db_instance') + count(stack, 'aws_rds_cluster') + count(stack, 'aws_elasticache_replication_group')).toBe(0);
    expect(count(stack, 'aws_nat_gateway')).toBe(0);
    expect(examples.resources(stack, 'aws_backup_plan')[0].rule).toEqual(expect.arrayContaining([expect.objectContaining({ lifecycle: { delete_after: 7 } })]));
  });
});

describe('traction', () => {
  const stack = 'acme-traction-eu-west-1';
  it('splits the database and cache out of two hosts', () => {
    expect(count(stack, 'aws_instance')).toBe(2);
    expect(examples.resources(stack, 'aws_db_instance')).toEqual([expect.objectContaining({ multi_az: false, instance_class: 'db.t4g.large' })]);
    expect(examples.resources(stack, 'aws_elasticache_replication_group')).toEqual([
      expect.objectContaining({ num_cache_clusters: 1, automatic_failover_enabled: false }),
    ]);
  });
});

describe('growth', () => {
  const stack = 'acme-growth-us-east-1';
  it('runs EKS behind an ALB with the node range its workload gives (at least the 2 app servers of seed 004)', () => {
    expect(count(stack, 'aws_eks_cluster')).toBe(1);
    const nodes = blueprintOf('acme-growth').cluster!.nodes;
    expect(nodes.min).toBeGreaterThanOrEqual(2);
    expect(examples.resources(stack, 'aws_eks_node_group')[0].scaling_config).toEqual({
      min_size: nodes.min,
      max_size: nodes.max,
      desired_size: nodes.desired,
    });
    expect(count(stack, 'aws_lb')).toBe(1);
    expect(count(stack, 'aws_nat_gateway')).toBe(1);
  });

  it('has a Multi-AZ primary with one read replica, Redis with failover, RabbitMQ and search', () => {
    const databases = examples.resources(stack, 'aws_db_instance');
    expect(databases.filter((d) => d.replicate_source_db === undefined)).toEqual([expect.objectContaining({ multi_az: true })]);
    expect(databases.filter((d) => d.replicate_source_db !== undefined)).toHaveLength(1);
    expect(examples.resources(stack, 'aws_elasticache_replication_group')).toEqual([
      expect.objectContaining({ automatic_failover_enabled: true, multi_az_enabled: true }),
    ]);
    expect(examples.resources(stack, 'aws_mq_broker')).toEqual([expect.objectContaining({ deployment_mode: 'SINGLE_INSTANCE' })]);
    expect(count(stack, 'aws_opensearch_domain')).toBe(1);
  });
});

describe('scale', () => {
  const stack = 'acme-scale-us-west-2';
  it('has Aurora with a writer and two readers, Redis Cluster, a RabbitMQ cluster and a NAT per zone', () => {
    expect(count(stack, 'aws_rds_cluster')).toBe(1);
    expect(count(stack, 'aws_rds_cluster_instance')).toBe(3);
    expect(examples.resources(stack, 'aws_elasticache_replication_group')).toEqual([
      expect.objectContaining({ num_node_groups: 3, replicas_per_node_group: 1 }),
    ]);
    expect(examples.resources(stack, 'aws_mq_broker')).toEqual([expect.objectContaining({ deployment_mode: 'CLUSTER_MULTI_AZ' })]);
    expect(count(stack, 'aws_nat_gateway')).toBe(3);
  });

  it('keeps state in S3 with native lock files', () => {
    expect(examples.stack(stack).terraform?.backend).toEqual({
      s3: { bucket: 'acme-terraform-state', key: 'stagecraft/acme-scale-us-west-2.tfstate', region: 'us-west-2', encrypt: true, use_lockfile: true },
    });
  });
});

describe('hyperscale', () => {
  const stack = 'acme-hyperscale-us-east-1';
  it('shards Postgres over four Aurora clusters and replaces RabbitMQ with Kafka', () => {
    expect(count(stack, 'aws_rds_cluster')).toBe(4);
    expect(count(stack, 'aws_msk_cluster')).toBe(1);
    expect(count(stack, 'aws_mq_broker')).toBe(0);
    expect(examples.resources(stack, 'aws_opensearch_domain')[0].cluster_config).toMatchObject({
      instance_count: 3,
      dedicated_master_enabled: true,
    });
  });
});

describe('massive', () => {
  const regions = ['us-east-1', 'eu-west-1', 'ap-northeast-1'];
  it('runs the full stack in three regions with a dedicated CockroachDB node pool in each', () => {
    for (const region of regions) {
      const stack = `acme-massive-${region}`;
      const pools = examples.resources(stack, 'aws_eks_node_group').map((g) => g.node_group_name);
      expect(pools.sort()).toEqual(['cockroachdb', 'general']);
      expect(count(stack, 'aws_elasticache_replication_group')).toBe(1);
      expect(count(stack, 'aws_rds_cluster') + count(stack, 'aws_db_instance')).toBe(0);
    }
  });

  it('peers every region with every earlier one, so the stacks deploy in order', () => {
    expect(regions.map((r) => count(`acme-massive-${r}`, 'aws_vpc_peering_connection'))).toEqual([0, 1, 2]);
    const accepters = examples.resources('acme-massive-ap-northeast-1', 'aws_vpc_peering_connection_accepter');
    expect(accepters.map((a) => a.provider).sort()).toEqual(['aws.eu-west-1', 'aws.us-east-1']);
  });

  it('lets CockroachDB nodes reach each other across regions on 26257 only', () => {
    const rules = examples
      .resources('acme-massive-us-east-1', 'aws_vpc_security_group_ingress_rule')
      .filter((r) => r.from_port === 26257 && String(r.security_group_id).includes('aws_eks_cluster'));
    expect(rules.map((r) => r.cidr_ipv4).sort()).toEqual(['10.20.0.0/16', '10.24.0.0/16']);
  });
});

describe('workload-driven sizes', () => {
  it('gives every example a workload whose MAU falls in its stage', () => {
    for (const environment of examples.environments) {
      expect({ name: environment.name, warnings: sizeBlueprint(environment).report.warnings }).toEqual({ name: environment.name, warnings: [] });
      expect(environment.config.workload?.mau).toBeGreaterThan(0);
    }
  });

  it("builds each cluster stack's node groups from the sized blueprint, with a CPU alarm on the general pool", () => {
    for (const environment of examples.environments) {
      const blueprint = blueprintOf(environment.name);
      for (const region of environment.regions) {
        const stack = `${environment.name}-${region.code}`;
        const groups = examples.resources(stack, 'aws_eks_node_group');
        if (!blueprint.cluster) {
          expect(groups).toEqual([]);
          continue;
        }
        const general = groups.find((g) => g.node_group_name === 'general')!;
        const { nodes } = blueprint.cluster;
        expect(general.scaling_config).toEqual({ min_size: nodes.min, max_size: nodes.max, desired_size: nodes.desired });
        const cockroach = groups.find((g) => g.node_group_name === 'cockroachdb');
        if (blueprint.cockroach) expect(cockroach?.scaling_config).toMatchObject({ min_size: blueprint.cockroach.nodesPerRegion });
        const alarm = examples.resources(stack, 'aws_cloudwatch_metric_alarm').find((a) => a.alarm_name === `${stack}-general-cpu-high`);
        expect(alarm).toMatchObject({ namespace: 'AWS/EC2', metric_name: 'CPUUtilization', threshold: 80 });
        expect((alarm!.dimensions as Record<string, string>).AutoScalingGroupName).toMatch(
          /^\$\{aws_eks_node_group\..+\.resources\[0\]\.autoscaling_groups\[0\]\.name\}$/,
        );
      }
    }
  });
});

describe('safe defaults on every regional stack', () => {
  const statefulTypes = [
    'aws_db_instance',
    'aws_rds_cluster',
    'aws_elasticache_replication_group',
    'aws_mq_broker',
    'aws_opensearch_domain',
    'aws_msk_cluster',
    'aws_s3_bucket',
    'aws_ebs_volume',
    'aws_kms_key',
    'aws_backup_vault',
  ];

  it('marks every stateful resource prevent_destroy', () => {
    for (const name of regionalStacks()) {
      for (const type of statefulTypes) {
        for (const resource of examples.resources(name, type)) {
          expect({ name, type, lifecycle: resource.lifecycle }).toEqual({ name, type, lifecycle: expect.objectContaining({ prevent_destroy: true }) });
        }
      }
    }
  });

  it('encrypts databases and caches, protects them from deletion and keeps backups', () => {
    for (const name of regionalStacks()) {
      for (const db of [...examples.resources(name, 'aws_db_instance'), ...examples.resources(name, 'aws_rds_cluster')]) {
        expect(db).toMatchObject({ storage_encrypted: true, deletion_protection: true });
        if (db.replicate_source_db === undefined) {
          expect(db).toMatchObject({ skip_final_snapshot: false, manage_master_user_password: true });
          expect(db.backup_retention_period).toBeGreaterThanOrEqual(7);
        }
      }
      for (const cache of examples.resources(name, 'aws_elasticache_replication_group')) {
        // at_rest_encryption_enabled is a string argument in provider 5.100.
        expect(cache).toMatchObject({ at_rest_encryption_enabled: 'true', transit_encryption_enabled: true });
        expect(cache.snapshot_retention_limit).toBeGreaterThan(0);
      }
    }
  });

  it('requires IMDSv2 on every launch template: one hop on cluster nodes, two on hosts (their containers use the instance role)', () => {
    for (const name of regionalStacks()) {
      const hosts = examples.resources(name, 'aws_instance').length > 0;
      for (const template of examples.resources(name, 'aws_launch_template')) {
        expect(template.metadata_options).toMatchObject({ http_tokens: 'required', http_put_response_hop_limit: hosts ? 2 : 1 });
      }
    }
  });

  it('blocks public access on every bucket and never opens a data store to the internet', () => {
    for (const name of regionalStacks()) {
      expect(count(name, 'aws_s3_bucket_public_access_block')).toBe(count(name, 'aws_s3_bucket'));
      const openIngress = examples.resources(name, 'aws_vpc_security_group_ingress_rule').filter((r) => r.cidr_ipv4 === '0.0.0.0/0');
      expect(openIngress).toEqual([]);
      for (const db of examples.resources(name, 'aws_db_instance')) expect(db.publicly_accessible).toBe(false);
    }
  });

  it('puts no secret in the synthesized JSON', () => {
    for (const summary of examples.summaries) {
      const text = JSON.stringify(examples.stack(summary.name));
      expect(text).not.toMatch(/"(password|master_password|auth_token|secret_string)"\s*:\s*"(?!\$\{)/);
      expect(text).not.toMatch(/api_token/);
    }
  });
});

describe('sorted snapshots, one per stage (for review)', () => {
  // Local state paths are relative to wherever the checkout and the temporary output are: keep only the file name.
  const sortKeys = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sortKeys)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value as Record<string, unknown>)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, v]) => [k, sortKeys(v)]),
          )
        : typeof value === 'string'
          ? value.replace(/^(\.\.\/)+.*\/(terraform\.[\w.-]+\.tfstate)$/, '<project>/$2')
          : value;

  // The Worker bundle is minified code: the snapshot keeps its size and digest, which change with it.
  const summarizeScripts = (stack: StackJson): StackJson => {
    const scripts = stack.resource?.cloudflare_workers_script;
    if (!scripts) return stack;
    const summarized = Object.fromEntries(
      Object.entries(scripts).map(([name, script]) => {
        const code = fromTerraformLiteral(String(script.content));
        const digest = createHash('sha256').update(code).digest('hex');
        return [name, { ...script, content: `<bundle: ${Buffer.byteLength(code)} bytes, sha256 ${digest}>` }];
      }),
    );
    return { ...stack, resource: { ...stack.resource, cloudflare_workers_script: summarized } };
  };

  it.each(['launch', 'traction', 'growth', 'scale', 'hyperscale', 'massive'])('%s', (stage) => {
    const stacks = examples.summaries
      .filter((s) => s.environment === `acme-${stage}`)
      .map((s) => s.name)
      .sort();
    const synthesized = Object.fromEntries(stacks.map((name) => [name, sortKeys(summarizeScripts(examples.stack(name)))]));
    expect(synthesized).toMatchSnapshot();
  });
});
