/** Protection shared by every construct that holds data. */
import { TerraformResource } from 'cdktf';

/**
 * Marks a stateful resource `prevent_destroy`, so neither `destroy` nor a replacing
 * change can delete it without an explicit code change first.
 */
export function preventDestroy<T extends TerraformResource>(resource: T): T {
  resource.lifecycle = { ...(resource.lifecycle ?? {}), preventDestroy: true };
  return resource;
}

/** A name for an AWS resource, `<prefix>-<suffix>`, cut to the service's length limit. */
export function resourceName(prefix: string, suffix: string, maxLength = 63): string {
  const name = `${prefix}-${suffix}`.replace(/[^a-zA-Z0-9-]/g, '-');
  return name.length <= maxLength ? name : name.slice(0, maxLength).replace(/-+$/, '');
}
