/** The AWS side of the product services on a cluster stage: one Pod Identity role per service. */
import { credentialsFor, DataStoreEndpoint } from '../constructs/shared/data-store-endpoints';
import { PRODUCT_NAMESPACE } from '../services/kubernetes/labels';
import { EksCluster } from '../constructs/aws/eks-cluster';
import { uniqueResourceName } from '../constructs/shared/protection';
import { ServiceIdentity } from '../constructs/aws/service-identity';
import { applicationSecretArnsOf } from './application-secrets';
import { RegionalStack } from './regional-stack';
import { roleArn } from '../constructs/shared/arn';
import { addPoolerIdentity } from './pooler';

/** The stores a service declares that this region has. */
export function storesOf(stack: RegionalStack, dataStores: readonly string[]): DataStoreEndpoint[] {
  return Object.values(stack.dataStores).filter((store): store is DataStoreEndpoint => store !== undefined && dataStores.includes(store.kind));
}

/** Call after every data store of the region exists, so each role names exactly its secrets and credentials. */
export function addServiceIdentities(stack: RegionalStack, eks: EksCluster): ServiceIdentity[] {
  const f = stack.foundation;
  const identities = f.environment.services.map(
    (service) =>
      new ServiceIdentity(stack, `service-${service.name}`, {
        roleName: uniqueResourceName(f.namePrefix, service.name, 64),
        cluster: eks,
        namespace: PRODUCT_NAMESPACE,
        serviceAccount: service.name,
        stores: storesOf(stack, service.dataStores),
        encryptionKey: f.encryptionKey,
        region: f.region.code,
        credentialStatements: credentialsFor(service, stack.dataStores).flatMap((c) => c.statements ?? []),
        applicationSecretArns: applicationSecretArnsOf(stack, [service.name]),
        credentialSecretArns: credentialsFor(service, stack.dataStores).flatMap((c) => c.secretArns ?? []),
      }),
  );
  f.environment.services.forEach((service, i) => stack.serviceRoleArns.set(service.name, identities[i].role.arn));
  // The domain policy admits the roles of the services that declare search; their role mappings do the rest.
  // Built from the roles' names (known at plan, and the policy still waits for each role).
  const searchers = f.environment.services.flatMap((s, i) => (s.dataStores.includes('search') ? [roleArn(f.encryptionKey, identities[i].role.name)] : []));
  if (stack.searchDomain && searchers.length > 0) stack.searchDomain.allowClients(searchers);
  // PgBouncer's own role (components.postgres.pooler): the clients' password secrets alone.
  addPoolerIdentity(stack, eks);
  return identities;
}
