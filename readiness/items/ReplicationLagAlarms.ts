/**
 * Seed 004: replication lag alerts above 1 s, for every database engine with a replica: RDS
 * read replicas (`ReplicaLag`, seconds), Aurora readers (`AuroraReplicaLag`, milliseconds) and
 * CockroachDB, whose Prometheus metrics the region's collector publishes to CloudWatch.
 */
import { COCKROACH_METRICS_NAMESPACE } from '../../services/platform/otel-collector';
import { alarmsOf, appsStackOf, manifestsOf, regionalStacks } from '../lookups';
import { combine, held, ItemOutcome, missing, notApplicable, ReadinessItem } from '../types';

/** CockroachDB's replication signals the lag alarm may watch. */
export const COCKROACH_LAG_METRICS: readonly string[] = ['ranges_underreplicated', 'kv_closed_timestamp_max_behind_nanos'];

export const ReplicationLagAlarms: ReadinessItem = {
  id: 'RDY-2',
  name: 'ReplicationLagAlarms',
  section: 'performance',
  title: 'Replication lag alarm above 1 second on every database replica',
  evaluate(environment) {
    const parts: ItemOutcome[] = [];
    for (const stack of regionalStacks(environment)) {
      const alarms = alarmsOf(stack);
      const watching = (metric: string, identifier: unknown, maxThreshold: number) =>
        alarms.find(
          (a) =>
            a.metrics.some((m) => m.metricName === metric && m.dimensions.DBInstanceIdentifier === identifier) && (a.threshold ?? Infinity) <= maxThreshold,
        );
      for (const replica of stack.resources('aws_db_instance').filter((r) => r.values.replicate_source_db !== undefined)) {
        const id = replica.values.identifier;
        const alarm = watching('ReplicaLag', id, 1);
        parts.push(
          alarm ? held(`${alarm.name} (ReplicaLag > ${alarm.threshold} s)`) : missing(`RDS replica ${String(id)} has no ReplicaLag alarm at 1 s or less`),
        );
      }
      const instances = stack.resources('aws_rds_cluster_instance');
      for (const cluster of stack.resources('aws_rds_cluster')) {
        const members = instances.filter(
          (i) => stack.referenced(i.values.cluster_identifier) === cluster || i.values.cluster_identifier === cluster.values.cluster_identifier,
        );
        if (members.length < 2) continue;
        const watched = members.map((m) => watching('AuroraReplicaLag', m.values.identifier, 1000)).filter((a) => a !== undefined);
        const name = String(cluster.values.cluster_identifier ?? cluster.address);
        parts.push(
          watched.length >= members.length - 1
            ? held(`${name}: ${watched.length} AuroraReplicaLag alarms at ${Math.max(...watched.map((a) => a!.threshold ?? 0))} ms`)
            : missing(`Aurora cluster ${name}: ${members.length - 1} readers, ${watched.length} AuroraReplicaLag alarms at 1000 ms or less`),
        );
      }
      const cockroach = manifestsOf(appsStackOf(environment, stack), 'StatefulSet').filter((s) => s.namespace === 'cockroachdb');
      if (cockroach.length > 0) {
        const alarm = alarms.find((a) =>
          a.metrics.some((m) => m.namespace === COCKROACH_METRICS_NAMESPACE && COCKROACH_LAG_METRICS.includes(m.metricName ?? '')),
        );
        const collector = manifestsOf(appsStackOf(environment, stack), 'ConfigMap').some((c) =>
          JSON.stringify(c.manifest.data ?? {}).includes(COCKROACH_METRICS_NAMESPACE),
        );
        if (!alarm)
          parts.push(missing(`${stack.name}: CockroachDB has no replication alarm on ${COCKROACH_METRICS_NAMESPACE} (${COCKROACH_LAG_METRICS.join(' or ')})`));
        else if (!collector)
          parts.push(missing(`${stack.name}: ${alarm.name} watches ${COCKROACH_METRICS_NAMESPACE}, but no collector in the apps stack publishes it`));
        else parts.push(held(`${alarm.name} (CockroachDB metrics scraped by the region's collector into ${COCKROACH_METRICS_NAMESPACE})`));
      }
    }
    return combine(parts, notApplicable('no database replica at this stage: one database instance, restored from backups'));
  },
};
