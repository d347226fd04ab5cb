/**
 * `cockroachObjects(placement)`: every Kubernetes object of one region's CockroachDB, in apply
 * order. Pure: the apps stack applies them unchanged (`apps.addObjects('cockroachdb', …)`).
 * The AWS side (CA secrets, Pod Identity role, join endpoint, backup bucket) is in the regional
 * stack: stacks/data-stores.ts `addCockroach`.
 */
import { KubernetesObject } from '../../kubernetes/object';
import { caBootstrapJob, initJob, migrationsConfigMap } from './jobs';
import { APP_LABELS } from './labels';
import { COCKROACH_CA_WRITER_SERVICE_ACCOUNT, COCKROACH_NAMESPACE, COCKROACH_SERVICE_ACCOUNT } from './names';
import { CockroachPlacement } from './placement';
import { backupScheduleMigration, Migration, multiRegionMigration } from './sql';
import { disruptionBudget, services, statefulSets, storageClass } from './statefulset';

export * from './names';
export * from './placement';
export * from './sql';
export * from './topology';

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

/** The migrations the first region's init Job applies. */
export function cockroachMigrations(placement: CockroachPlacement): Migration[] {
  return [
    multiRegionMigration({ environment: placement.environment, regions: placement.regions, database: placement.database }),
    backupScheduleMigration({ buckets: placement.backupBuckets, database: placement.database }),
  ];
}

/** True in the region that initialises the cluster and runs the one-off Jobs: the first listed. */
export function isFirstRegion(placement: CockroachPlacement): boolean {
  return placement.regions[0] === placement.region;
}

export function cockroachObjects(placement: CockroachPlacement): KubernetesObject[] {
  const objects: KubernetesObject[] = [
    namespace(),
    serviceAccount(COCKROACH_SERVICE_ACCOUNT),
    storageClass(),
    ...services(placement),
    disruptionBudget(),
    ...statefulSets(placement),
  ];
  if (isFirstRegion(placement)) {
    const migrations = cockroachMigrations(placement);
    objects.push(
      serviceAccount(COCKROACH_CA_WRITER_SERVICE_ACCOUNT),
      caBootstrapJob(placement),
      migrationsConfigMap(migrations),
      initJob(placement, migrations, migrations[0].sql),
    );
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
