/**
 * The autoscaling rules as each example stage renders them: node group scaling configs,
 * Application Auto Scaling targets and policies, the cluster autoscaler's identity. Expected
 * values come from the resolved rules and the Blueprint, not retyped.
 */
import { ExampleSynthesis, synthesizeExamples } from '../helpers/examples';
import { sizeBlueprint } from '../../sizing/blueprint';
import { Blueprint } from '../../sizing/blueprint-types';
import { Stage, STAGES } from '../../config/stages';

let examples: ExampleSynthesis;
beforeAll(() => {
  examples = synthesizeExamples();
});

/** Every regional stack of the example of `stage`, with its Blueprint. */
function regionalStacksOf(stage: Stage): Array<{ name: string; blueprint: Blueprint }> {
  const environment = examples.environments.find((e) => e.stage === stage)!;
  const blueprint = sizeBlueprint(environment).blueprint;
  return environment.regions.map((region) => ({ name: `${environment.name}-${region.code}`, blueprint }));
}

const targets = (stack: string, dimension: string) => examples.resources(stack, 'aws_appautoscaling_target').filter((t) => t.scalable_dimension === dimension);
const policies = (stack: string, metric: string) =>
  examples
    .resources(stack, 'aws_appautoscaling_policy')
    .filter(
      (p) =>
        (p.target_tracking_scaling_policy_configuration as { predefined_metric_specification: { predefined_metric_type: string } })
          .predefined_metric_specification.predefined_metric_type === metric,
    );

describe.each(STAGES.map((stage) => [stage]))('%s: autoscaling as rendered', (stage) => {
  it('node groups: the Blueprint range, desired left to the cluster autoscaler, discovery tags, its identity', () => {
    for (const { name, blueprint } of regionalStacksOf(stage)) {
      const groups = examples.resources(name, 'aws_eks_node_group');
      const identities = examples.resources(name, 'aws_eks_pod_identity_association').filter((a) => a.service_account === 'cluster-autoscaler');
      if (!blueprint.cluster) {
        expect({ groups, identities }).toEqual({ groups: [], identities: [] });
        continue;
      }
      const rule = blueprint.autoscaling!.nodes!;
      const general = groups.find((g) => g.node_group_name === 'general')!;
      expect(general.scaling_config).toEqual({ min_size: rule.min, max_size: rule.max, desired_size: rule.desired });
      for (const group of groups) {
        expect(group.lifecycle).toEqual({ ignore_changes: ['scaling_config[0].desired_size'] });
        expect(group.tags).toEqual({ 'k8s.io/cluster-autoscaler/enabled': 'true', [`k8s.io/cluster-autoscaler/${name}`]: 'owned' });
      }
      if (blueprint.cockroach) {
        const pool = groups.find((g) => g.node_group_name === 'cockroachdb')!;
        expect(pool.scaling_config).toMatchObject({ min_size: blueprint.cockroach.nodesPerRegion, max_size: blueprint.cockroach.nodesPerRegion * 2 });
      }
      expect(identities).toEqual([expect.objectContaining({ namespace: 'kube-system', service_account: 'cluster-autoscaler' })]);
      // The cluster autoscaler may describe every node group of its cluster, and only those.
      const [policy] = examples.resources(name, 'aws_iam_role_policy').filter((p) => p.name === 'cluster-autoscaler');
      const describe = (JSON.parse(String(policy.policy)).Statement as Array<{ Action: string[]; Resource: string[] }>).find((s) =>
        s.Action.includes('eks:DescribeNodegroup'),
      )!;
      expect(describe.Resource).toHaveLength(groups.length);
    }
  });

  it('Aurora readers: one target per cluster, the fixed readers as min, tracking reader CPU', () => {
    for (const { name, blueprint } of regionalStacksOf(stage)) {
      const found = targets(name, 'rds:cluster:ReadReplicaCount');
      const rule = blueprint.autoscaling?.auroraReplicas;
      if (!rule) {
        expect(found).toEqual([]);
        continue;
      }
      const clusters = examples.resources(name, 'aws_rds_cluster');
      expect(found).toHaveLength(clusters.length);
      expect(found.length).toBe(blueprint.postgres!.shards);
      for (const target of found) expect(target).toMatchObject({ service_namespace: 'rds', min_capacity: rule.min, max_capacity: rule.max });
      // Terraform builds exactly the floor: writer + min readers per cluster.
      expect(examples.resources(name, 'aws_rds_cluster_instance')).toHaveLength(clusters.length * (1 + rule.min));
      const tracked = policies(name, 'RDSReaderAverageCPUUtilization');
      expect(tracked).toHaveLength(clusters.length);
      for (const policy of tracked) {
        expect(policy.target_tracking_scaling_policy_configuration).toMatchObject({
          target_value: rule.targetPercent,
          scale_out_cooldown: rule.scaleOutCooldownSeconds,
          scale_in_cooldown: rule.scaleInCooldownSeconds,
        });
      }
    }
  });

  it('Redis shards: a target on the replication group tracking memory, the shard count ignored by Terraform', () => {
    for (const { name, blueprint } of regionalStacksOf(stage)) {
      const found = targets(name, 'elasticache:replication-group:NodeGroups');
      const [replicationGroup] = examples.resources(name, 'aws_elasticache_replication_group');
      const rule = blueprint.autoscaling?.redisShards;
      if (!rule) {
        expect(found).toEqual([]);
        if (replicationGroup) expect((replicationGroup.lifecycle as { ignore_changes?: string[] }).ignore_changes).toBeUndefined();
        continue;
      }
      expect(found).toEqual([expect.objectContaining({ service_namespace: 'elasticache', min_capacity: rule.minShards, max_capacity: rule.maxShards })]);
      expect(rule.maxShards * rule.nodesPerShard).toBeLessThanOrEqual(30);
      expect(replicationGroup).toMatchObject({
        num_node_groups: blueprint.redis.shards,
        replicas_per_node_group: blueprint.redis.replicasPerShard,
        lifecycle: { ignore_changes: ['num_node_groups'], prevent_destroy: true },
      });
      const [policy] = policies(name, 'ElastiCacheDatabaseMemoryUsageCountedForEvictPercentage');
      expect(policy.target_tracking_scaling_policy_configuration).toMatchObject({ target_value: rule.targetPercent });
    }
  });
});

describe('the examples rule ranges', () => {
  it('are what each stage is documented with (README, Autoscaling rules)', () => {
    const summary = Object.fromEntries(
      STAGES.map((stage) => {
        const { blueprint } = regionalStacksOf(stage)[0];
        const a = blueprint.autoscaling ?? {};
        return [
          stage,
          {
            nodes: a.nodes && `${a.nodes.min}–${a.nodes.max}, desired ${a.nodes.desired}`,
            auroraReaders: a.auroraReplicas && `${a.auroraReplicas.min}–${a.auroraReplicas.max} per cluster × ${blueprint.postgres!.shards}`,
            redisShards: a.redisShards && `${a.redisShards.minShards}–${a.redisShards.maxShards} × ${a.redisShards.nodesPerShard} nodes`,
          },
        ];
      }),
    );
    expect(summary).toMatchSnapshot();
  });
});
