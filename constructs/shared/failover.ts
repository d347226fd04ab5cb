/**
 * Expected failover times (seed 004: "replica promoted in under 30 s"), stated on the resources
 * that fail over by themselves so `stagecraft readiness` and the runbooks can report them. AWS tag
 * values allow letters, digits, spaces and `_.:/=+-@` only, hence the plain wording.
 */

/** Tag (and, on Kubernetes objects, annotation) that carries the expected failover time. */
export const FAILOVER_TAG = 'stagecraft:expected-failover';
export const FAILOVER_ANNOTATION = 'stagecraft.dev/expected-failover';

export const EXPECTED_FAILOVER = {
  /** AWS: a Multi-AZ DB instance fails over in 60–120 s (the CNAME moves to the promoted standby). */
  rdsMultiAz: '60-120 s: the standby is promoted and the endpoint DNS moves to it',
  /** AWS: Aurora promotes a reader, typically in under 30 s (under 60 s worst case). */
  aurora: 'about 30 s: a reader is promoted and the cluster endpoint follows',
  /** AWS: ElastiCache Multi-AZ promotes a replica automatically; the primary endpoint follows. */
  elasticache: 'under 60 s: a replica is promoted and the primary endpoint follows',
  /** CockroachDB: leases of lost replicas move once their epoch expires (about 9 s); no promotion step. */
  cockroach: 'about 10 s: range leases move to surviving replicas, no promotion step',
} as const;
