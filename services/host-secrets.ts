/**
 * A service's application secrets on a host (`secrets:` in its definition, issue 18): the host
 * fetches each from Secrets Manager with its instance role into its tmpfs before compose starts
 * (services/host-cloud-init.ts, waiting for a value the operator has not put yet), and compose
 * mounts it read-only as `/run/secrets/<NAME>` in that service's container only, named by
 * `<NAME>_FILE` as on clusters (services/kubernetes/app-secrets.ts). Never in `user_data`, the
 * compose file or the environment.
 */
import { ServiceDefinition } from '../config/service-definition';

/** The host's file (and compose secret) of a service's secret: `app-<service>-<NAME>`; NAME has no dash, so it is unambiguous. */
export function applicationSecretFile(service: string, name: string): string {
  return `app-${service}-${name}`;
}

/** One application secret of a service on the host. */
export interface HostApplicationSecret {
  readonly service: string;
  readonly name: string;
  /** File in the host's secrets tmpfs, and the compose secret's name. */
  readonly file: string;
  readonly arn: string;
}

/** Every application secret of `services`, with its ARN from `arns` (service → name → ARN). */
export function hostApplicationSecrets(
  services: readonly ServiceDefinition[],
  arns: ReadonlyMap<string, Readonly<Record<string, string>>>,
): HostApplicationSecret[] {
  return services.flatMap((service) =>
    service.secrets.map((name) => ({
      service: service.name,
      name,
      file: applicationSecretFile(service.name, name),
      arn: arns.get(service.name)?.[name] ?? '',
    })),
  );
}

/** The compose entries of a service's application secrets: its `secrets:` (mounted as `/run/secrets/<NAME>`) and `<NAME>_FILE` variables. */
export function composeSecretParts(service: ServiceDefinition): {
  secrets: Array<{ source: string; target: string }>;
  environment: Record<string, string>;
} {
  return {
    secrets: service.secrets.map((name) => ({ source: applicationSecretFile(service.name, name), target: name })),
    environment: Object.fromEntries(service.secrets.map((name) => [`${name}_FILE`, `/run/secrets/${name}`])),
  };
}
