/**
 * One-off work in the first region only: the CA bootstrap, then `cockroach init` and the
 * migrations. Jobs run to completion, so they carry no liveness or readiness probes (there is
 * no service to route to and nothing to restart mid-run). Everything else of the pod hardening
 * applies.
 *
 * They must work in any timing of the regional deploys (issue 15): the CA bootstrap waits for every
 * later region's secrets, the init Job for every region's nodes, however long the other regions take
 * to be deployed, so neither has an `activeDeadlineSeconds` (a deadline shorter than a deploy failed
 * them after Terraform had reported success). Each is named after a hash of its whole spec (image,
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
import { Migration } from './sql';
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

/** The CA bootstrap Job (first region): the only pod allowed to write the CA secrets. */
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

/** Scripts of the init Job: initialise the cluster once, wait for every region's nodes, apply the migrations. */
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
  const sql = `/cockroach/cockroach sql --certs-dir=${CERTS_DIR} --host=${PUBLIC_SERVICE}.${COCKROACH_NAMESPACE}.svc.cluster.local:${COCKROACH_SQL_PORT}`;
  const migrate = [
    'set -eu',
    // ADD REGION fails until a node with that region's locality has joined.
    ...placement.regions.map(
      (region) =>
        `until [[ "$(${sql} --format=csv -e 'SELECT region FROM [SHOW REGIONS FROM CLUSTER]' 2>/dev/null)" == *"${region}"* ]]; do echo "waiting for nodes in ${region}"; sleep 15; done`,
    ),
    ...migrations.map((m) => `${sql} --file=${MIGRATIONS_DIR}/${m.fileName}`),
  ].join('\n');
  return { init, migrate };
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
