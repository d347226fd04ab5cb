/**
 * `cockroachObjects(placement)`: every Kubernetes object of one region's CockroachDB, in apply
 * order. Pure: the apps stack applies them unchanged (`apps.addObjects('cockroachdb', …)`).
 * The AWS side (CA secrets, Pod Identity role, join endpoint, backup bucket) is in the regional
 * stack: stacks/data-stores.ts `addCockroach`.
 */
import { KubernetesObject } from '../../kubernetes/object';
import { caBootstrapJob, initJob, migrationsConfigMap, regionJob } from './jobs';
import { APP_LABELS } from './labels';
import { COCKROACH_CA_WRITER_SERVICE_ACCOUNT, COCKROACH_NAMESPACE, COCKROACH_SERVICE_ACCOUNT } from './names';
import { CockroachPlacement } from './placement';
import { backupScheduleMigration, Migration, multiRegionMigration } from './sql';
import { clientCertificateObjects, serviceUsersMigration } from './client-certificates';
import { disruptionBudget, services, statefulSets, storageClass } from './statefulset';

export * from './names';
export * from './placement';
export * from './sql';
export * from './topology';
export * from './client-certificates';

/** Pod Security Admission `restricted`, enforced: the namespace admits only pods hardened as ours are. */
function namespace(): KubernetesObject {
  const psa = Object.fromEntries(
    ['enforce', 'audit', 'warn'].flatMap((mode) => [
      [`pod-security.kubernetes.io/${mode}`, 'restricted'],
      [`pod-security.kubernetes.io/${mode}-version`, 'latest'],
    ]),
  );
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: COCKROACH_NAMESPACE, labels: { ...APP_LABELS, ...psa } } };
}

/** A service account that mounts no Kubernetes API token: Pod Identity brings its own. */
function serviceAccount(name: string): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace: COCKROACH_NAMESPACE, labels: { ...APP_LABELS } },
    automountServiceAccountToken: false,
  };
}

/** The migrations the first region's init Job applies; `services` (those that declare the database) get users. */
export function cockroachMigrations(placement: CockroachPlacement, services: readonly string[] = []): Migration[] {
  return [
    multiRegionMigration({ environment: placement.environment, regions: placement.regions, database: placement.database }),
    backupScheduleMigration({ buckets: placement.backupBuckets, database: placement.database }),
    ...(services.length > 0 ? [serviceUsersMigration(services, placement.database)] : []),
  ];
}

/** True in the region that initialises the cluster and applies the migrations: the first listed. */
export function isFirstRegion(placement: CockroachPlacement): boolean {
  return placement.regions[0] === placement.region;
}

/** `clients`: the product services that declare the database; each gets a SQL user and, in every region, a client certificate. */
export function cockroachObjects(placement: CockroachPlacement, clients: readonly string[] = []): KubernetesObject[] {
  const objects: KubernetesObject[] = [
    namespace(),
    serviceAccount(COCKROACH_SERVICE_ACCOUNT),
    storageClass(),
    ...services(placement),
    disruptionBudget(),
    ...statefulSets(placement),
    ...clientCertificateObjects(placement, clients),
    // Every region fills its own CA secrets: the first creates the CA, the later ones copy it.
    serviceAccount(COCKROACH_CA_WRITER_SERVICE_ACCOUNT),
    caBootstrapJob(placement),
  ];
  if (isFirstRegion(placement)) {
    const migrations = cockroachMigrations(placement, clients);
    // The backup schedule names buckets known only at apply: the key is every other migration.
    const contentKey = migrations.filter((m) => m.fileName !== '002_backup_schedule.sql').map((m) => m.sql);
    objects.push(migrationsConfigMap(migrations), initJob(placement, migrations, contentKey.length === 1 ? contentKey[0] : contentKey.join('\n')));
  } else {
    objects.push(regionJob(placement));
  }
  return objects;
}

/** Where `stagecraft synth` writes an environment's migrations, relative to the output directory. */
export function migrationsDirectory(environment: string): string {
  return `migrations/${environment}`;
}

/**
 * The migration files `stagecraft synth` writes for review: the multi-region SQL, fully known
 * from the environment. The backup schedule names buckets whose names carry the AWS account ID,
 * known only at apply, so it exists only in the init Job's ConfigMap.
 */
export function synthesizedMigrations(environment: { readonly name: string; readonly regions: ReadonlyArray<{ readonly code: string }> }): Migration[] {
  return [multiRegionMigration({ environment: environment.name, regions: environment.regions.map((r) => r.code) })];
}
