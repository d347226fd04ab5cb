/**
 * AWS wildcard patterns (`*` any run of characters, `?` exactly one) as anchored regular
 * expressions, every other character literal. IAM resource and action patterns and ALB host and
 * path conditions all use this form; one converter means one escaping to get right.
 */

/** `pattern` as an anchored RegExp: `*` → any run, `?` → one character, everything else escaped. */
export function wildcardRegExp(pattern: string, ignoreCase = false): RegExp {
  const source = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '');
}
