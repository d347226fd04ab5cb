/**
 * The docker compose project of a single-host stage, read back from a launch template's
 * cloud-init (`user_data = ${base64encode("…")}`, stacks/host-services.ts): the request-path
 * rules check the services on hosts from it. Undefined when the user data is not that form.
 */
import { parse } from 'yaml';
import { ResourceView } from '../../types';

/** One service of the compose project, as far as the rules read it. */
export interface HostComposeService {
  readonly environment?: Readonly<Record<string, string>>;
  readonly secrets?: readonly string[];
  readonly depends_on?: Readonly<Record<string, { readonly condition?: string }>>;
  readonly command?: readonly string[];
}

/** The text inside `${base64encode("…")}`, unescaped the way Terraform reads it. */
function userDataText(expression: string): string | undefined {
  const match = /^\$\{base64encode\("([\s\S]*)"\)\}$/.exec(expression);
  return match?.[1].replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c)).replace(/%%\{/g, '%{');
}

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
