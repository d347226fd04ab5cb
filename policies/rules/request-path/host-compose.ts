/**
 * The docker compose project of a single-host stage, read back from its release object (an
 * `aws_s3_object` whose key ends in `compose.yaml`, stacks/host-release.ts) or, in stacks built
 * before releases, from a launch template's cloud-init (`user_data = ${base64encode("…")}`): the
 * request-path rules check the services on hosts from it. Undefined when neither is that form.
 */
import { parse } from 'yaml';
import { ResourceView } from '../../types';
import { fromTerraformLiteral } from '../../../synthesis/terraform-literal';

/** One service of the compose project, as far as the rules read it. */
export interface HostComposeService {
  readonly environment?: Readonly<Record<string, string>>;
  readonly secrets?: readonly string[];
  readonly depends_on?: Readonly<Record<string, { readonly condition?: string }>>;
  readonly command?: readonly string[];
  readonly deploy?: {
    readonly resources?: {
      readonly limits?: { readonly cpus?: string | number; readonly memory?: string | number };
      readonly reservations?: { readonly cpus?: string | number; readonly memory?: string | number };
    };
  };
}

/** The text inside `${base64encode("…")}`, unescaped the way Terraform reads it. */
function userDataText(expression: string): string | undefined {
  const match = /^\$\{base64encode\("([\s\S]*)"\)\}$/.exec(expression);
  return match?.[1].replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c)).replace(/%%\{/g, '%{');
}

/**
 * The one-shot compose service that puts the broker users on hosts, and the one service that may
 * mount the broker admin's password (services/host-rabbitmq-users.ts `RABBITMQ_USERS_SERVICE`).
 */
export const HOST_BROKER_USERS_SERVICE = 'rabbitmq-users';

/** Compose's `$$` is a literal `$`. */
export const composeText = (text: string) => text.replace(/\$\$/g, '$');

/** The compose services a launch template's cloud-init writes, by name. */
export function hostComposeServices(template: ResourceView): Record<string, HostComposeService> | undefined {
  const text = userDataText(String(template.values.user_data ?? ''));
  if (text === undefined) return undefined;
  try {
    const config = parse(text) as { write_files?: Array<{ path?: string; content?: string }> };
    const file = config.write_files?.find((f) => f.path?.endsWith('/compose.yaml'));
    if (!file?.content) return undefined;
    return ((parse(file.content) as { services?: Record<string, HostComposeService> }).services ?? {}) as Record<string, HostComposeService>;
  } catch {
    return undefined;
  }
}

/** A release's compose file in S3, by its key (the same test as SC-STG-6 HostReleaseDelivered). */
export const RELEASE_COMPOSE_KEY = /(^|\/)compose\.ya?ml$/;

/** The compose services of a release object's content (Terraform's `$${` is a literal `${`). */
export function releaseComposeServices(object: ResourceView): Record<string, HostComposeService> | undefined {
  const content = object.values.content;
  if (typeof content !== 'string') return undefined;
  try {
    return ((parse(fromTerraformLiteral(content)) as { services?: Record<string, HostComposeService> }).services ?? {}) as Record<string, HostComposeService>;
  } catch {
    return undefined;
  }
}
