/**
 * PgBouncer in front of the region's Postgres (components.postgres.pooler, docs/components.md
 * "Pooling"): the AWS side and the services' endpoint.
 *
 * - Each service that declares `database` gets a password of its own, generated into a Secrets
 *   Manager secret through the write-only argument (never in the JSON or the state), which the
 *   `database-users` Job sets on its user (`ALTER ROLE … PASSWORD`, read from the secret at run
 *   time) instead of granting `rds_iam`: PgBouncer cannot mint IAM tokens, so it logs in with the
 *   user's password. The region whose Job sets the passwords owns the secrets and replicates them
 *   to the standby regions, whose databases receive the users by replication.
 * - The services' `database` endpoint becomes the pooler (`pgbouncer.product.svc.cluster.local:6432`,
 *   reached through the NetworkPolicy by pod label): their DATABASE_HOST, DATABASE_READER_HOSTS
 *   and shard hosts point at it, and each database (writer, replica, shard) is a database name
 *   on it, reached over TLS (`DATABASE_SSLMODE=require`). A service reads its password file (DATABASE_PASSWORD_SECRET_FILE, the fetch-secrets
 *   init container) and may read its own secret only.
 * - The pooler's Pod Identity role may read every client's password secret and nothing else.
 */
import { DataStoreEndpoint, ServiceCredential } from '../constructs/shared/data-store-endpoints';
import { GeneratedSecret } from '../constructs/aws/generated-secret';
import { ServiceIdentity } from '../constructs/aws/service-identity';
import { EksCluster } from '../constructs/aws/eks-cluster';
import { uniqueResourceName } from '../constructs/shared/protection';
import { POOLER_NAME } from '../config/pooler';
import { databaseUserName } from '../config/database-user';
import { ServiceDefinition } from '../config/service-definition';
import { databaseClients } from '../sizing/pooler';
import { PRODUCT_NAMESPACE, selectorLabels } from '../services/kubernetes/labels';
import { POOLER_HOST, POOLER_PORT, PoolerDatabase, PoolerUser } from '../services/kubernetes/pooler';
import { POSTGRES_DATABASE } from '../services/platform/database-users';
import { secretReplicaRegions } from './secret-replicas';
import { RegionalStack } from './regional-stack';

/** The name of the application secret that carries a service's database password (its file: `DATABASE_PASSWORD_SECRET_FILE`). */
export const DATABASE_PASSWORD_SECRET = 'DATABASE_PASSWORD_SECRET';

/** The Secrets Manager name of a service's database password: owned by `ownerRegion`, replicated to the others. */
export function databasePasswordSecretName(environment: string, ownerRegion: string, service: string): string {
  return `${environment}/${ownerRegion}/postgres-${service}`;
}

/**
 * Puts the pooler in front of `direct` (the region's database endpoint): creates or names the
 * password secrets, records the pooler's target on the stack, and returns the endpoint the
 * services get. `databases`: every database PgBouncer serves, the writer first; `env`: the
 * services' variables with the hosts already pointed at the pooler.
 */
export function pooledDatabase(
  stack: RegionalStack,
  direct: DataStoreEndpoint,
  databases: readonly PoolerDatabase[],
  env: Readonly<Record<string, string>>,
  owner: { readonly region: string; readonly owns: boolean },
): DataStoreEndpoint {
  const f = stack.foundation;
  const { partition, accountId } = f.encryptionKey;
  const clients = databaseClients(f.environment.services);
  const passwordVersion = f.environment.components.pooler?.passwordVersion ?? 1;
  const users: PoolerUser[] = [];
  const secretResources: Record<string, string> = {};
  const ownedSecretArns: Record<string, string> = {};
  for (const service of clients) {
    const name = databasePasswordSecretName(f.environment.name, owner.region, service.name);
    // The same user as without the pooler (IAM logins): adding or removing PgBouncer keeps the service's user.
    const user = databaseUserName(f.environment.name, service.name);
    if (owner.owns) {
      const secret = new GeneratedSecret(stack, `postgres-user-${service.name}`, {
        name,
        description: `${f.namePrefix}: password of ${service.name}'s PostgreSQL user (PgBouncer)`,
        encryptionKey: f.encryptionKey,
        // Under keys this stack creates in those regions: their stacks are deployed after this one.
        replicaRegions: secretReplicaRegions(stack),
        // Raising components.postgres.pooler.passwordVersion writes a new password (rotation).
        valueVersion: passwordVersion,
      });
      users.push({ user, secretId: secret.secret.arn });
      secretResources[service.name] = secret.secret.arn;
      ownedSecretArns[service.name] = secret.secret.arn;
    } else {
      // The owner's replica in this region: same name, an ARN with a random suffix of 6 characters.
      users.push({ user, secretId: name });
      secretResources[service.name] = `arn:${partition}:secretsmanager:${f.region.code}:${accountId}:secret:${name}-??????`;
    }
  }
  const databaseCidrs = direct.peer && 'cidrs' in direct.peer ? direct.peer.cidrs : [];
  stack.pooler = { databases, users, secretResources, ownedSecretArns, databaseCidrs, databasePort: direct.port, passwordVersion };
  const writer = databases[0]?.alias ?? POSTGRES_DATABASE;
  return {
    kind: 'database',
    engine: `${direct.engine} through PgBouncer`,
    port: POOLER_PORT,
    peer: { namespace: PRODUCT_NAMESPACE, podLabels: selectorLabels(POOLER_NAME) },
    // PgBouncer refuses plaintext clients; `require` encrypts without verifying its per-pod self-signed certificate.
    env: { ...env, DATABASE_HOST: POOLER_HOST, DATABASE_PORT: String(POOLER_PORT), DATABASE_SSLMODE: 'require' },
    secretArns: [],
    bucketArns: [],
    credentialFor: (service: ServiceDefinition): ServiceCredential => {
      const resource = secretResources[service.name];
      const user = users.find((u) => u.user === databaseUserName(f.environment.name, service.name));
      if (!resource || !user) throw new Error(`${service.name} does not declare the database in ${stack.stackName}`);
      return {
        mechanism: 'database user with a password of its own, through PgBouncer',
        // The version restarts the service when the passwords rotate, so it reads its new one.
        env: { DATABASE_USER: user.user, DATABASE_NAME: writer, DATABASE_AUTH: 'password', DATABASE_PASSWORD_VERSION: String(passwordVersion) },
        secretArns: [resource],
        fileSecrets: { [DATABASE_PASSWORD_SECRET]: user.secretId },
      };
    },
  };
}

/** The pooler's Pod Identity role: it may read the clients' password secrets, nothing else. */
export function addPoolerIdentity(stack: RegionalStack, eks: EksCluster): ServiceIdentity | undefined {
  const pooler = stack.pooler;
  if (!pooler) return undefined;
  const f = stack.foundation;
  return new ServiceIdentity(stack, `pooler-${POOLER_NAME}`, {
    roleName: uniqueResourceName(f.namePrefix, POOLER_NAME, 64),
    cluster: eks,
    namespace: PRODUCT_NAMESPACE,
    serviceAccount: POOLER_NAME,
    stores: [],
    encryptionKey: f.encryptionKey,
    region: f.region.code,
    credentialSecretArns: Object.values(pooler.secretResources),
  });
}
