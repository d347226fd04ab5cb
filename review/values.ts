/**
 * Attribute paths and values as the review shows them: nested objects flattened to
 * `a.b[0].c`, lists of scalars kept whole, sensitive values masked.
 */

/** The placeholder for a masked value. */
export const MASKED = '(sensitive)';
/** The placeholder for a value a plan knows only after apply. */
export const KNOWN_AFTER_APPLY = '(known after apply)';

/** Keys of a resource body that are not infrastructure: cdktf metadata and ordering hints. */
const IGNORED_KEYS = new Set(['//', 'depends_on']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isScalarList(value: unknown[]): boolean {
  return value.every((v) => v === null || typeof v !== 'object');
}

/**
 * Leaves of a resource body by path. Objects recurse (`vpc_config.subnet_ids`), lists of objects
 * (blocks) recurse by index (`rule[0].lifecycle`), lists of scalars and empty containers are leaves.
 * A block written as one object or as a one-element list flattens the same (`a.b`, not `a[0].b`).
 */
export function flatten(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(value)) {
    if (value.length === 0 || isScalarList(value)) {
      if (prefix) out.set(prefix, value);
      return out;
    }
    if (value.length === 1) return flatten(value[0], prefix, out);
    value.forEach((item, i) => flatten(item, `${prefix}[${i}]`, out));
    return out;
  }
  if (isPlainObject(value)) {
    const keys = Object.keys(value).filter((k) => !(prefix === '' && IGNORED_KEYS.has(k)));
    if (keys.length === 0 && prefix) out.set(prefix, {});
    for (const key of keys.sort()) flatten(value[key], prefix ? `${prefix}.${key}` : key, out);
    return out;
  }
  if (value !== undefined && value !== null && prefix) out.set(prefix, value);
  return out;
}

/** A path without list indices, for matching against tables: `rule[0].x` → `rule.x`. */
export function withoutIndices(path: string): string {
  return path.replace(/\[\d+\]/g, '');
}

/** True when `path` is `prefix` or lies under it. */
export function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

/**
 * Argument names whose values are secrets: a path segment that is, starts or ends with one of
 * these words. References and flags are not secrets: names ending in `_arn`, `_id`, `_ids`,
 * `_name`, `_enabled` or `_type`, and boolean values, are shown.
 */
const SENSITIVE_WORD =
  /(^|_)(password|passwd|passphrase|secret|secret_string|secret_key|access_key|token|auth|auth_token|private_key|api_key|credentials?|certificate_body|pem)($|_)/i;
const NOT_A_SECRET = /(_arn|_arns|_id|_ids|_name|_names|_enabled|_type|_length|_version)$/i;

export function isSensitivePath(path: string, value?: unknown): boolean {
  if (typeof value === 'boolean') return false;
  const segments = withoutIndices(path).split('.');
  const leaf = segments[segments.length - 1];
  if (NOT_A_SECRET.test(leaf)) return false;
  return segments.some((s) => SENSITIVE_WORD.test(s));
}

/** How a value is printed in a report: JSON, cut to `max` characters. */
export function display(value: unknown, max = 120): string {
  if (value === undefined) return '(none)';
  if (value === MASKED || value === KNOWN_AFTER_APPLY) return value;
  const text = JSON.stringify(value);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
