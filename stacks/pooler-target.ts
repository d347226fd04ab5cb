/** What the apps stack and the operations Job need of a region's PgBouncer (stacks/pooler.ts builds it; apart so regional-stack.ts can name it without a cycle). */
import type { PoolerDatabase, PoolerUser } from '../services/kubernetes/pooler';

export interface PoolerTarget {
  readonly databases: readonly PoolerDatabase[];
  /** Each client's user and the id its password secret is read by (ARN, or a replica's name in a standby region). */
  readonly users: readonly PoolerUser[];
  /** The IAM resources of those secrets (an ARN, or the replica's ARN pattern), by service. */
  readonly secretResources: Readonly<Record<string, string>>;
  /** The secrets this region owns (the database-users Job sets them), by service; empty in a standby region. */
  readonly ownedSecretArns: Readonly<Record<string, string>>;
  readonly databaseCidrs: readonly string[];
  readonly databasePort: number;
  /** components.postgres.pooler.passwordVersion: a new one rotates the passwords, re-runs the database-users Job and restarts the pooler. */
  readonly passwordVersion: number;
}
