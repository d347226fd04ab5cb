/** The Blueprint as rows of "component, size per region", for the report's sized-components table. */
import { Blueprint, PodRange } from '../sizing/blueprint-types';

const range = (min: number, max: number) => (min === max ? `${min}` : `${min}–${max}`);
const pods = (p: PodRange) => `${range(p.min, p.max)} pods × ${p.cpu} vCPU / ${p.memoryGiB} GiB`;

export function blueprintRows(b: Blueprint): Array<[string, string]> {
  const rows: Array<[string, string] | undefined> = [
    b.hosts && [
      'Hosts',
      `${b.hosts.count} × ${b.hosts.instanceType}, ${b.hosts.rootVolumeGiB} GiB root${b.hosts.dataVolumeGiB ? `, ${b.hosts.dataVolumeGiB} GiB data` : ''}`,
    ],
    b.cluster && ['EKS nodes', `${range(b.cluster.nodes.min, b.cluster.nodes.max)} × ${b.cluster.instanceType} (desired ${b.cluster.nodes.desired})`],
    ...Object.entries(b.services ?? {}).map(([name, p]): [string, string] => [name, pods(p)]),
    b.postgres && [
      'Postgres',
      `${b.postgres.kind}, ${b.postgres.instanceClass}, ${b.postgres.storageGiB} GiB, ${b.postgres.multiAz ? 'Multi-AZ' : 'single-AZ'}, ` +
        `${b.postgres.readReplicas} read replica(s)${b.postgres.shards > 1 ? `, ${b.postgres.shards} shards` : ''}`,
    ],
    b.cockroach && ['CockroachDB', `${b.cockroach.nodesPerRegion} nodes × ${b.cockroach.instanceType}, ${b.cockroach.volumeGiB} GiB each`],
    b.managedCockroach && [
      'CockroachDB Cloud',
      b.managedCockroach.plan === 'dedicated'
        ? `dedicated, ${b.managedCockroach.nodesPerRegion ?? 0} nodes per region`
        : 'serverless (request units and storage)',
    ],
    [
      'Redis',
      `${b.redis.mode}, ${b.redis.nodeType}${b.redis.mode === 'cluster' ? `, ${b.redis.shards} shards × ${1 + b.redis.replicasPerShard} nodes` : b.redis.replicasPerShard > 0 ? `, ${b.redis.replicasPerShard} replica(s)` : ''}`,
    ],
    b.rabbitmq && ['RabbitMQ', `${b.rabbitmq.deployment}, ${b.rabbitmq.instanceType}`],
    b.kafka && ['Kafka', `${b.kafka.brokers} brokers × ${b.kafka.instanceType}, ${b.kafka.volumeGiB} GiB each`],
    b.search && [
      'OpenSearch',
      `${b.search.dataNodes} data nodes × ${b.search.instanceType}, ${b.search.volumeGiB} GiB${b.search.dedicatedMasters ? ', dedicated masters' : ''}`,
    ],
    ['Backups', `${b.backupRetentionDays} days retention${b.storageTiering ? '; S3 tiering on' : ''}`],
  ];
  return rows.filter((r): r is [string, string] => r !== undefined);
}

/** Pods at the top of every autoscaling range, over all regions; undefined on single-host stages (no pods). */
export function maxPods(b: Blueprint, regions: number): number | undefined {
  if (!b.cluster || !b.services) return undefined;
  return regions * Object.values(b.services).reduce((sum, p) => sum + p.max, 0);
}
