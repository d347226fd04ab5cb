/**
 * A service's application secrets on a cluster (`secrets:` in its definition): an init container
 * (the pinned AWS CLI, as the pod's own Pod Identity role, which may read exactly these secrets)
 * fetches each value from Secrets Manager into a memory-backed volume before the service starts;
 * the service's container mounts it read-only at /run/secrets and is told each file by
 * `<NAME>_FILE`. Nothing to install in the cluster (no CSI driver, no custom resource), and no
 * value passes through Terraform, its state or a Kubernetes Secret. A secret without a value yet
 * is waited for (the init container retries), so the pod starts once the operator has put it.
 */
import { terraformLiteral } from '../../synthesis/terraform-literal';
import { SECRET_WAIT, SecretWait, secretWaitLines } from './secret-wait';
import { AWS_CLI_IMAGE } from '../platform/operations-jobs';
import { hardenedContainerSecurity } from './security-context';
import { RUN_AS_USER } from './workload-spec';

/** Where the secrets are mounted in the service's container, one file per secret name. */
export const APP_SECRETS_DIR = '/run/secrets';
/** The memory-backed volume the init container writes and the service reads. */
export const APP_SECRETS_VOLUME = 'app-secrets';
/** The init container's name. */
export const APP_SECRETS_INIT = 'fetch-secrets';

/** The environment variable that names a secret's file: `STRIPE_SECRET_KEY` → `STRIPE_SECRET_KEY_FILE`. */
export const secretFileEnv = (name: string): string => `${name}_FILE`;

/** The pod parts that deliver `secrets` (secret name → Secrets Manager ARN, possibly a Terraform reference). */
export interface AppSecretsPodParts {
  readonly initContainer: Record<string, unknown>;
  readonly volume: Record<string, unknown>;
  readonly volumeMount: Record<string, unknown>;
  readonly env: ReadonlyArray<{ name: string; value: string }>;
}

/**
 * The init container's script: for each secret `i`, fetch `$SECRET_ARN_<i>` into `<dir>/<NAME>`,
 * retrying while it cannot be read (the AWS CLI prints why) and giving up after `wait.attempts`
 * tries with a line naming the secret and its ARN (`SECRET_WAIT`: before terraform's wait for the rollout
 * gives up). Names match `[A-Z][A-Z0-9_]*` (the schema),
 * so they are safe in the shell; the ARNs arrive as environment variables, never inside the script.
 */
export function fetchSecretsScript(names: readonly string[], wait: SecretWait = SECRET_WAIT): string {
  const lines = ['set -eu', 'umask 077'];
  names.forEach((name, i) => {
    const target = `${APP_SECRETS_DIR}/${name}`;
    lines.push(
      ...secretWaitLines(
        `aws secretsmanager get-secret-value --secret-id "$SECRET_ARN_${i}" --query SecretString --output text > ${target}.tmp`,
        {
          waiting: `${name} ($SECRET_ARN_${i}) has no value yet: put it in Secrets Manager (stagecraft readiness lists it)`,
          gaveUp: `${name} ($SECRET_ARN_${i}) cannot be read; put its value in Secrets Manager (stagecraft readiness lists it)`,
        },
        wait,
      ),
      `mv ${target}.tmp ${target}`,
    );
  });
  return lines.join('\n') + '\n';
}

/** The init container, volume, mount and `<NAME>_FILE` variables of a service's secrets; undefined when it has none. */
export function appSecretsPodParts(secrets: Readonly<Record<string, string>>, region: string): AppSecretsPodParts | undefined {
  const names = Object.keys(secrets).sort();
  if (names.length === 0) return undefined;
  return {
    initContainer: {
      name: APP_SECRETS_INIT,
      image: AWS_CLI_IMAGE,
      imagePullPolicy: 'IfNotPresent',
      // Terraform reads every string as a template; the script's `$SECRET_ARN_0` must reach the shell as written.
      command: ['/bin/sh', '-c', terraformLiteral(fetchSecretsScript(names))],
      env: [
        { name: 'AWS_REGION', value: region },
        { name: 'HOME', value: '/tmp' },
        ...names.map((name, i) => ({ name: `SECRET_ARN_${i}`, value: secrets[name] })),
      ],
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
      securityContext: hardenedContainerSecurity(RUN_AS_USER),
      volumeMounts: [
        { name: 'tmp', mountPath: '/tmp' },
        { name: APP_SECRETS_VOLUME, mountPath: APP_SECRETS_DIR },
      ],
    },
    // Memory-backed: the values never touch the node's disk.
    volume: { name: APP_SECRETS_VOLUME, emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
    volumeMount: { name: APP_SECRETS_VOLUME, mountPath: APP_SECRETS_DIR, readOnly: true },
    env: names.map((name) => ({ name: secretFileEnv(name), value: `${APP_SECRETS_DIR}/${name}` })),
  };
}
