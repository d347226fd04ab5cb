/**
 * Massive runs in at least three regions, so losing one leaves two, and its database is
 * CockroachDB spanning them (a dedicated node pool or a StatefulSet in every region, or the
 * connection-string secret of a CockroachDB Cloud cluster), or Postgres shards homed in the
 * regions (seed 002 §1: every region holds Aurora clusters of its own shards and no single RDS
 * instance serves them all; docs/shards.md), not one regional RDS database.
 */
import { StackOutcome, StackRule, StackView } from '../../types';
import { readAll } from '../../../synthesis/values';

export const MIN_MASSIVE_REGIONS = 3;

function runsCockroach(stack: StackView): boolean {
  const pool = stack
    .resources('aws_eks_node_group')
    .some((g) => /cockroach/i.test(JSON.stringify([g.values.node_group_name, g.values.labels, g.values.taint])));
  const statefulSet = [...stack.resources('kubernetes_stateful_set'), ...stack.resources('kubernetes_stateful_set_v1')].some((s) =>
    readAll(s.values, 'spec.template.spec.container.image').some((image) => /cockroach/i.test(String(image))),
  );
  // A CockroachDB Cloud cluster: the secret tagged for it (constructs/cockroachdb/managed-cluster-connection.ts).
  const managed = stack
    .resources('aws_secretsmanager_secret')
    .some((s) => (s.values.tags as Record<string, unknown> | undefined)?.['stagecraft:managed-service'] === 'cockroachdb-cloud');
  return pool || statefulSet || managed;
}

/** This stack and every other regional stack of the environment with a cluster home Aurora shards of their own and run no RDS instance. */
function homesShards(stack: StackView): boolean {
  const homes = (s: StackView) => s.resources('aws_rds_cluster').length > 0 && s.resources('aws_db_instance').length === 0;
  const regional = stack.environmentStacks().filter((s) => s.region !== undefined && s.resources('aws_eks_cluster').length > 0);
  return homes(stack) && regional.every(homes);
}

export const MassiveMultiRegionCockroach: StackRule = {
  id: 'SC-STG-4',
  name: 'MassiveMultiRegionCockroach',
  family: 'stage-aware',
  scope: 'stack',
  description: `Massive environments have at least ${MIN_MASSIVE_REGIONS} regional stacks, each running CockroachDB (on EKS or CockroachDB Cloud) and no RDS or Aurora, or each homing Postgres shards on Aurora.`,
  evaluate(stack) {
    if (stack.stage !== 'massive') return [{ status: 'not-applicable', reason: `stage ${stack.stage ?? 'unknown'} is not massive` }];
    if (!stack.region) return [{ status: 'not-applicable', reason: 'not a regional stack' }];
    const problems: string[] = [];
    const regions = new Set(
      stack
        .environmentStacks()
        .map((s) => s.region)
        .filter((r): r is string => r !== undefined),
    );
    if (regions.size < MIN_MASSIVE_REGIONS)
      problems.push(
        `the environment has ${regions.size} region(s) (${[...regions].sort().join(', ')}); massive needs at least ${MIN_MASSIVE_REGIONS}, so that losing one still leaves two`,
      );
    if (!homesShards(stack)) {
      if (!runsCockroach(stack)) problems.push('no CockroachDB node pool, StatefulSet or CockroachDB Cloud connection secret in this region');
      const relational = [...stack.resources('aws_db_instance'), ...stack.resources('aws_rds_cluster')].map((r) => r.address);
      if (relational.length > 0)
        problems.push(
          `single-region databases ${relational.join(', ')} cannot serve writes in every region; use CockroachDB, or Postgres shards homed in every region (components.postgres.shards)`,
        );
    }
    const outcome: StackOutcome = problems.length === 0 ? { status: 'compliant' } : { status: 'non-compliant', message: problems.join('; ') };
    return [outcome];
  },
};
