/**
 * One-off work: in every region the CA bootstrap (its own CA secrets); in the first region
 * `cockroach init` and the migrations; in every later region joining its region to the database.
 * Jobs run to completion, so they carry no liveness or readiness probes (there is no service to
 * route to and nothing to restart mid-run). Everything else of the pod hardening applies.
 *
 * They must work in any timing of the regional deploys (issue 15). Each waits only for what its
 * own apps stack, and the stacks it depends on, create: its region's CA secrets and nodes, and the
 * first region's CA and initialised cluster (a later region's apps stack depends on the first's).
 * None waits for a region deployed later, so each ends within its own apply, and terraform, which
 * waits for every Job (`wait_for_completion`), reports success only once the cluster is initialised
 * and this region is part of the database. Whichever region joins last sets `SURVIVE REGION
 * FAILURE` (sql.ts `regionMembershipScript`). Each is named after a hash of its whole spec (image,
 * scripts, regions, migrations): when an input changes, the next apply creates a new Job that runs
 * again, instead of trying to change an immutable pod template or finding the old Job done.
 */
import { createHash } from 'node:crypto';
import { KubernetesObject } from '../../kubernetes/object';
import {
  caBootstrapContainers,
  certificateVolumes,
  CERTS_DIR,
  clientCertificateContainer,
  fetchCaContainer,
  HEADLESS_SERVICE,
  PUBLIC_SERVICE,
} from './certificates';
import { metadata } from './labels';
import { COCKROACH_CA_WRITER_SERVICE_ACCOUNT, COCKROACH_NAMESPACE, COCKROACH_SERVICE_ACCOUNT, COCKROACH_SQL_PORT } from './names';
import { CockroachPlacement, COCKROACH_IMAGE } from './placement';
import { containerSecurityContext, guaranteed, podSecurityContext } from './pod-security';
import { Migration, regionMembershipScript } from './sql';
import { zoneGroups } from './topology';

export const MIGRATIONS_CONFIG_MAP = 'cockroachdb-migrations';
const MIGRATIONS_DIR = '/migrations';

/** A Job's pod: hardened, on the general pool, retried on failure, named `<base>-<hash of its spec and `inputs`>`. */
function job(
  base: string,
  serviceAccount: string,
  pod: { initContainers: unknown[]; containers: unknown[]; volumes: unknown[] },
  inputs = '',
): KubernetesObject {
  const spec = {
    backoffLimit: 10,
    template: {
      metadata: { labels: { 'app.kubernetes.io/name': 'cockroachdb', 'app.kubernetes.io/component': base } },
      spec: {
        serviceAccountName: serviceAccount,
        automountServiceAccountToken: false,
        restartPolicy: 'OnFailure',
        securityContext: podSecurityContext(),
        ...pod,
      },
    },
  };
  const name = `${base}-${contentHash(JSON.stringify(spec) + inputs)}`;
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: metadata(name, { 'app.kubernetes.io/component': base }), spec };
}

/** The first 8 hex digits of a SHA-256: a Job name's suffix. */
function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** The CA bootstrap Job (every region): the only pod allowed to write its region's CA secrets. */
export function caBootstrapJob(placement: CockroachPlacement): KubernetesObject {
  const { init, main } = caBootstrapContainers(placement);
  return job('cockroachdb-ca-bootstrap', COCKROACH_CA_WRITER_SERVICE_ACCOUNT, { initContainers: init, containers: [main], volumes: certificateVolumes() });
}

/** The migrations, shipped to the init Job as files. */
export function migrationsConfigMap(migrations: readonly Migration[]): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(MIGRATIONS_CONFIG_MAP),
    data: Object.fromEntries(migrations.map((m) => [m.fileName, m.sql])),
  };
}

/** The SQL client of the Jobs, as root, through the region's client Service. */
function sqlClient(): string {
  return `/cockroach/cockroach sql --certs-dir=${CERTS_DIR} --host=${PUBLIC_SERVICE}.${COCKROACH_NAMESPACE}.svc.cluster.local:${COCKROACH_SQL_PORT}`;
}

/** Shell that waits until a node of this region has joined the cluster (its own StatefulSets, in the same apply). */
function waitForOwnRegion(placement: CockroachPlacement): string {
  return `until [[ "$(${sqlClient()} --format=csv -e 'SELECT region FROM [SHOW REGIONS FROM CLUSTER]' 2>/dev/null)" == *"${placement.region}"* ]]; do echo "waiting for nodes in ${placement.region}"; sleep 15; done`;
}

/** Shell that adds every joined region to the database, and sets region survival once all have joined. */
function membership(placement: CockroachPlacement): string {
  return regionMembershipScript({ environment: placement.environment, regions: placement.regions, database: placement.database, sql: sqlClient() });
}

/**
 * Scripts of the init Job: initialise the cluster once, wait for this region's nodes (not the
 * others', which may be deployed much later), apply the migrations (database, localities, backup
 * schedule, the services' users), then add whichever other regions have already joined.
 */
export function initScripts(placement: CockroachPlacement, migrations: readonly Migration[]): { readonly init: string; readonly migrate: string } {
  const firstPod = `${zoneGroups(placement)[0].name}-0.${HEADLESS_SERVICE}.${COCKROACH_NAMESPACE}.svc.cluster.local:${COCKROACH_SQL_PORT}`;
  const init = [
    'set -u',
    'while true; do',
    `  if out=$(/cockroach/cockroach init --certs-dir=${CERTS_DIR} --host=${firstPod} 2>&1); then echo "$out"; exit 0; fi`,
    '  echo "$out"',
    '  case "$out" in *"already been initialized"*) exit 0 ;; esac',
    '  sleep 10',
    'done',
  ].join('\n');
  const migrate = [
    'set -eu',
    waitForOwnRegion(placement),
    ...migrations.map((m) => `${sqlClient()} --file=${MIGRATIONS_DIR}/${m.fileName}`),
    membership(placement),
  ].join('\n');
  return { init, migrate };
}

/**
 * The region Job of a later region: once this region's nodes have joined the cluster the first
 * region initialised, add it (and any other joined region) to the database; the last region to
 * join sets `SURVIVE REGION FAILURE`. Named after its spec, so a changed region list runs it again.
 */
export function regionJob(placement: CockroachPlacement): KubernetesObject {
  const image = placement.image ?? COCKROACH_IMAGE;
  const script = ['set -eu', waitForOwnRegion(placement), membership(placement)].join('\n');
  return job('cockroachdb-region', COCKROACH_SERVICE_ACCOUNT, {
    initContainers: [fetchCaContainer(placement), clientCertificateContainer(placement, 'root')],
    containers: [
      {
        name: 'join-region',
        image,
        command: ['/bin/bash', '-c', script],
        resources: guaranteed('200m', '256Mi'),
        securityContext: containerSecurityContext(),
        volumeMounts: [{ name: 'certs', mountPath: CERTS_DIR, readOnly: true }],
      },
    ],
    volumes: certificateVolumes(),
  });
}

/**
 * `cockroach init` and the migrations (first region). Named after its spec and `contentKey` (the
 * migrations' content, mounted from a ConfigMap the spec only names): a changed migration, image or
 * region list is a new Job, since a Job's pod template cannot change in place.
 */
export function initJob(placement: CockroachPlacement, migrations: readonly Migration[], contentKey: string): KubernetesObject {
  const scripts = initScripts(placement, migrations);
  const image = placement.image ?? COCKROACH_IMAGE;
  const small = guaranteed('200m', '256Mi');
  const certs = { name: 'certs', mountPath: CERTS_DIR, readOnly: true };
  return job(
    'cockroachdb-init',
    COCKROACH_SERVICE_ACCOUNT,
    {
      initContainers: [
        fetchCaContainer(placement),
        clientCertificateContainer(placement, 'root'),
        {
          name: 'init-cluster',
          image,
          command: ['/bin/bash', '-c', scripts.init],
          resources: small,
          securityContext: containerSecurityContext(),
          volumeMounts: [certs],
        },
      ],
      containers: [
        {
          name: 'migrate',
          image,
          command: ['/bin/bash', '-c', scripts.migrate],
          resources: small,
          securityContext: containerSecurityContext(),
          volumeMounts: [certs, { name: 'migrations', mountPath: MIGRATIONS_DIR, readOnly: true }],
        },
      ],
      volumes: [...certificateVolumes(), { name: 'migrations', configMap: { name: MIGRATIONS_CONFIG_MAP } }],
    },
    contentKey,
  );
}
