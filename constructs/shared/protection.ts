/** Protection shared by every construct that holds data. */
import { createHash } from 'node:crypto';
import { TerraformResource } from 'cdktf';

/**
 * Marks a stateful resource `prevent_destroy`, so neither `destroy` nor a replacing
 * change can delete it without an explicit code change first.
 */
export function preventDestroy<T extends TerraformResource>(resource: T): T {
  resource.lifecycle = { ...(resource.lifecycle ?? {}), preventDestroy: true };
  return resource;
}

/**
 * A name that must be unique (IAM roles): like resourceName, but when it has to be cut, the cut
 * ends in `-` and 8 hex digits of the SHA-256 of the whole name, so two long names that share
 * their first characters stay distinct. A name that fits is unchanged.
 */
export function uniqueResourceName(prefix: string, suffix: string, maxLength = 64): string {
  const name = `${prefix}-${suffix}`.replace(/[^a-zA-Z0-9-]/g, '-');
  if (name.length <= maxLength) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, maxLength - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** A name for an AWS resource, `<prefix>-<suffix>`, cut to the service's length limit. */
export function resourceName(prefix: string, suffix: string, maxLength = 63): string {
  const name = `${prefix}-${suffix}`.replace(/[^a-zA-Z0-9-]/g, '-');
  return name.length <= maxLength ? name : name.slice(0, maxLength).replace(/-+$/, '');
}
