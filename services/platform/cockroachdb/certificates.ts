/**
 * Secure mode without key material in Terraform. The cluster CA is created once, inside the
 * first region's cluster, by the CA bootstrap Job, and kept in Secrets Manager: one copy per
 * region (KMS-encrypted with that region's key), so a region can still mint certificates for
 * replacement pods when the first region is gone. Every database pod fetches its region's copy
 * through Pod Identity into a memory-backed volume only its init containers mount, and signs
 * its own node certificate for its DNS names and pod IP. Terraform creates the empty secrets and
 * the IAM permissions; it never sees a key.
 */
import { AWS_CLI_IMAGE, CockroachPlacement, COCKROACH_IMAGE } from './placement';
import { containerSecurityContext, guaranteed, scratchVolume } from './pod-security';
import { COCKROACH_NAMESPACE, regionJoinHost } from './names';

/** Where the CA (certificate and key) sits in init containers: a memory-backed emptyDir. */
export const CA_DIR = '/ca';
/** Where the node or client certificates sit; the only certificate volume the long-running container mounts. */
export const CERTS_DIR = '/cockroach/cockroach-certs';

export const HEADLESS_SERVICE = 'cockroachdb';
export const PUBLIC_SERVICE = 'cockroachdb-public';

/** Volumes the certificate init containers use; `tmp` is the AWS CLI's HOME. */
export function certificateVolumes(): Array<Record<string, unknown>> {
  return [scratchVolume('ca', '1Mi', true), scratchVolume('certs', '1Mi', true), scratchVolume('tmp', '64Mi')];
}

const SMALL = guaranteed('100m', '128Mi');
const awsCliEnv = (region: string) => [
  { name: 'HOME', value: '/tmp' },
  { name: 'AWS_REGION', value: region },
];

/**
 * Init container that copies the region's CA from Secrets Manager into `CA_DIR`, waiting until
 * this region's CA bootstrap Job has published it.
 */
export function fetchCaContainer(placement: CockroachPlacement): Record<string, unknown> {
  const { certificate, key } = placement.caSecrets;
  const get = (id: string, file: string) => `aws secretsmanager get-secret-value --secret-id '${id}' --query SecretString --output text > ${CA_DIR}/${file}`;
  const script = [
    'set -eu',
    `until ${get(key, 'ca.key')} 2>/dev/null; do echo "waiting for the CA in ${key}"; sleep 10; done`,
    get(certificate, 'ca.crt'),
    `chmod 0600 ${CA_DIR}/ca.key`,
  ].join('\n');
  return {
    name: 'fetch-ca',
    image: placement.awsCliImage ?? AWS_CLI_IMAGE,
    command: ['/bin/sh', '-c', script],
    env: awsCliEnv(placement.region),
    resources: SMALL,
    securityContext: containerSecurityContext(),
    volumeMounts: [
      { name: 'ca', mountPath: CA_DIR },
      { name: 'tmp', mountPath: '/tmp' },
    ],
  };
}

/** Every name a node answers to: in-cluster DNS, its pod IP (advertised on massive), and its region's join name. */
export function nodeCertificateHosts(placement: CockroachPlacement): string[] {
  const svc = `${COCKROACH_NAMESPACE}.svc.cluster.local`;
  return [
    'localhost',
    '127.0.0.1',
    '"$POD_IP"',
    `"$POD_NAME.${HEADLESS_SERVICE}"`,
    `"$POD_NAME.${HEADLESS_SERVICE}.${svc}"`,
    PUBLIC_SERVICE,
    `${PUBLIC_SERVICE}.${COCKROACH_NAMESPACE}`,
    `${PUBLIC_SERVICE}.${svc}`,
    ...(placement.regions.length > 1 ? [regionJoinHost(placement.environment, placement.region)] : []),
  ];
}

const certsMounts = [
  { name: 'ca', mountPath: CA_DIR, readOnly: true },
  { name: 'certs', mountPath: CERTS_DIR },
];

/** Init container that signs this pod's node certificate with the fetched CA. */
export function nodeCertificateContainer(placement: CockroachPlacement): Record<string, unknown> {
  const script = [
    'set -eu',
    `cp ${CA_DIR}/ca.crt ${CERTS_DIR}/ca.crt`,
    `/cockroach/cockroach cert create-node ${nodeCertificateHosts(placement).join(' ')} --certs-dir=${CERTS_DIR} --ca-key=${CA_DIR}/ca.key --overwrite`,
  ].join('\n');
  return {
    name: 'node-certificate',
    image: placement.image ?? COCKROACH_IMAGE,
    command: ['/bin/bash', '-c', script],
    env: [
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    ],
    resources: SMALL,
    securityContext: containerSecurityContext(),
    volumeMounts: certsMounts,
  };
}

/** Init container that signs a client certificate for `user` (the init Job connects as root). */
export function clientCertificateContainer(placement: CockroachPlacement, user: string): Record<string, unknown> {
  const script = [
    'set -eu',
    `cp ${CA_DIR}/ca.crt ${CERTS_DIR}/ca.crt`,
    `/cockroach/cockroach cert create-client ${user} --certs-dir=${CERTS_DIR} --ca-key=${CA_DIR}/ca.key --overwrite`,
  ].join('\n');
  return {
    name: 'client-certificate',
    image: placement.image ?? COCKROACH_IMAGE,
    command: ['/bin/bash', '-c', script],
    resources: SMALL,
    securityContext: containerSecurityContext(),
    volumeMounts: certsMounts,
  };
}

/**
 * Scripts of a region's CA bootstrap Job, which fills that region's CA secrets and nothing else.
 * In the first region it reuses a CA already published there, or creates one. In a later region
 * it reuses its own copy, or copies the first region's, which exists: the first region's apps
 * stack, which publishes it, is a dependency of every later region's (stacks/app.ts). A region's
 * secret is written only while it is empty, so running it again never rotates the CA under
 * running nodes. It waits only for what its own stack and the stacks before it create, never for
 * a region deployed later, so it ends within one apply whatever the timing of the other regions.
 */
export function caBootstrapScripts(placement: CockroachPlacement): { readonly read: string; readonly create?: string; readonly publish: string } {
  const first = placement.allCaSecrets[0];
  const own = placement.allCaSecrets.find((s) => s.region === placement.region) ?? first;
  const get = (region: string, id: string) => `aws secretsmanager get-secret-value --region ${region} --secret-id '${id}' --query SecretString --output text`;
  const reuse = [
    `if ${get(own.region, own.key)} > ${CA_DIR}/ca.key 2>/dev/null; then`,
    `  ${get(own.region, own.certificate)} > ${CA_DIR}/ca.crt`,
    `  echo "reusing the CA already published in ${own.region}"`,
  ];
  const isFirst = own.region === first.region;
  const read = [
    'set -eu',
    ...reuse,
    'else',
    ...(isFirst
      ? [`  rm -f ${CA_DIR}/ca.key ${CA_DIR}/ca.crt`]
      : [
          `  until ${get(first.region, first.key)} > ${CA_DIR}/ca.key 2>/dev/null; do echo "waiting for the CA in ${first.region}"; sleep 10; done`,
          `  ${get(first.region, first.certificate)} > ${CA_DIR}/ca.crt`,
          `  echo "copying the CA of ${first.region}"`,
        ]),
    'fi',
  ].join('\n');
  const create = isFirst
    ? ['set -eu', `[ -s ${CA_DIR}/ca.key ] || /cockroach/cockroach cert create-ca --certs-dir=${CA_DIR} --ca-key=${CA_DIR}/ca.key`].join('\n')
    : undefined;
  const publish = [
    'set -eu',
    `if ! ${get(own.region, own.key)} > /dev/null 2>&1; then`,
    `  aws secretsmanager put-secret-value --region ${own.region} --secret-id '${own.certificate}' --secret-string file://${CA_DIR}/ca.crt`,
    `  aws secretsmanager put-secret-value --region ${own.region} --secret-id '${own.key}' --secret-string file://${CA_DIR}/ca.key`,
    `  echo "published the CA to ${own.region}"`,
    'fi',
  ].join('\n');
  return { read, create, publish };
}

/** Containers of the CA bootstrap Job: read an existing CA (AWS CLI), create one if none (cockroach, first region), publish (AWS CLI). */
export function caBootstrapContainers(placement: CockroachPlacement): {
  readonly init: Array<Record<string, unknown>>;
  readonly main: Record<string, unknown>;
} {
  const scripts = caBootstrapScripts(placement);
  const mounts = [
    { name: 'ca', mountPath: CA_DIR },
    { name: 'tmp', mountPath: '/tmp' },
  ];
  const awsCli = (name: string, script: string) => ({
    name,
    image: placement.awsCliImage ?? AWS_CLI_IMAGE,
    command: ['/bin/sh', '-c', script],
    env: awsCliEnv(placement.region),
    resources: SMALL,
    securityContext: containerSecurityContext(),
    volumeMounts: mounts,
  });
  return {
    init: [
      awsCli('read-ca', scripts.read),
      ...(scripts.create === undefined
        ? []
        : [
            {
              name: 'create-ca',
              image: placement.image ?? COCKROACH_IMAGE,
              command: ['/bin/bash', '-c', scripts.create],
              resources: SMALL,
              securityContext: containerSecurityContext(),
              volumeMounts: mounts,
            },
          ]),
    ],
    main: awsCli('publish-ca', scripts.publish),
  };
}
