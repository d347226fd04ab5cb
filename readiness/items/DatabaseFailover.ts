/**
 * Seed 004: database failover tested, replica promoted in under 30 s. Infrastructure holds the
 * automatic part: Multi-AZ RDS, Aurora with a reader to promote, CockroachDB's survival goal,
 * ElastiCache automatic failover. Each carries its expected failover time as a tag
 * (`stagecraft:expected-failover`) or, for CockroachDB, an annotation, which this item reports.
 */
import { isAtLeast } from '../../config/stages';
import { FAILOVER_ANNOTATION, FAILOVER_TAG } from '../../constructs/shared/failover';
import { asBoolean, asNumber, record } from '../../synthesis/values';
import { appsStackOf, manifestsOf, regionalStacks, tagOf } from '../lookups';
import { combine, held, ItemOutcome, missing, notApplicable, ReadinessItem } from '../types';

export { FAILOVER_ANNOTATION, FAILOVER_TAG };

export const DatabaseFailover: ReadinessItem = {
  id: 'RDY-7',
  name: 'DatabaseFailover',
  section: 'resilience',
  title: 'Automatic database and cache failover, with the expected failover time stated',
  evaluate(environment) {
    if (!environment.stage || !isAtLeast(environment.stage, 'growth')) {
      return notApplicable(
        `one database instance on ${environment.stage ?? 'this stage'} by design (stage table): recovery is a restore from backups, not a failover`,
      );
    }
    const parts: ItemOutcome[] = [];
    const stated = (what: string, time: string | undefined, ok: boolean, why: string): ItemOutcome =>
      !ok
        ? missing(`${what}: ${why}`)
        : time === undefined
          ? missing(`${what}: fails over, but states no expected time (${FAILOVER_TAG})`)
          : held(`${what}: ${time}`);
    for (const stack of regionalStacks(environment)) {
      for (const db of stack.resources('aws_db_instance').filter((r) => r.values.replicate_source_db === undefined)) {
        const name = `RDS ${String(db.values.identifier)}`;
        parts.push(stated(name, tagOf(db, FAILOVER_TAG), asBoolean(db.values.multi_az) === true, 'not Multi-AZ; a zone loss means a restore'));
      }
      const instances = stack.resources('aws_rds_cluster_instance');
      for (const cluster of stack.resources('aws_rds_cluster')) {
        const members = instances.filter((i) => stack.referenced(i.values.cluster_identifier) === cluster);
        const name = `Aurora ${String(cluster.values.cluster_identifier)}`;
        parts.push(stated(name, tagOf(cluster, FAILOVER_TAG), members.length >= 2, 'no reader to promote'));
      }
      for (const group of stack.resources('aws_elasticache_replication_group')) {
        const name = `ElastiCache ${String(group.values.replication_group_id)}`;
        const replicas = (asNumber(group.values.num_cache_clusters) ?? 1) >= 2 || (asNumber(group.values.replicas_per_node_group) ?? 0) >= 1;
        if (!replicas) continue; // a single cache node has nothing to fail over to; RDY-3 and the stage table cover it
        parts.push(stated(name, tagOf(group, FAILOVER_TAG), asBoolean(group.values.automatic_failover_enabled) === true, 'automatic failover is off'));
      }
      const sets = manifestsOf(appsStackOf(environment, stack), 'StatefulSet').filter((s) => s.namespace === 'cockroachdb');
      if (sets.length > 0) {
        const time = sets.map((s) => record(record(s.manifest.metadata)?.annotations)?.[FAILOVER_ANNOTATION]).find((v) => typeof v === 'string') as
          string | undefined;
        parts.push(stated(`CockroachDB in ${stack.region}`, time, sets.length >= 3, `${sets.length} zones; a survival goal needs 3`));
      }
    }
    return combine(parts, notApplicable('no managed database or replicated cache at this stage'));
  },
};
