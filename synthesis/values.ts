/**
 * Reading synthesized arguments: nested blocks may be an object or a list of objects, booleans
 * may be strings (`"true"`), and any value may be an unresolved Terraform expression (`${…}`)
 * that a reader must report as unknown, not take as a value.
 */

/** A value read at a path: absent, an unresolved expression, or a literal. */
export type Read =
  { readonly kind: 'absent' } | { readonly kind: 'expression'; readonly expression: string } | { readonly kind: 'value'; readonly value: unknown };

/** True for a string holding a Terraform template or expression. */
export function isExpression(value: unknown): value is string {
  return typeof value === 'string' && value.includes('${');
}

/**
 * Every value at a dotted path (`block_device_mappings.ebs.encrypted`). Lists are walked into at
 * every step, so a block written as an object or as a list of objects reads the same.
 */
export function readAll(values: unknown, path: string): unknown[] {
  let current: unknown[] = [values];
  for (const key of path.split('.')) {
    const next: unknown[] = [];
    for (const item of current.flatMap((v) => (Array.isArray(v) ? v : [v]))) {
      if (item !== null && typeof item === 'object' && key in (item as object)) next.push((item as Record<string, unknown>)[key]);
    }
    current = next;
  }
  return current.filter((v) => v !== undefined && v !== null);
}

/** The first value at a path, classified. A whole list at the path is returned as the value. */
export function read(values: unknown, path: string): Read {
  const [first] = readAll(values, path);
  if (first === undefined) return { kind: 'absent' };
  if (isExpression(first)) return { kind: 'expression', expression: first };
  return { kind: 'value', value: first };
}

/** `true`/`"true"` → true, `false`/`"false"` → false, anything else undefined. */
export function asBoolean(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

/** A number or numeric string, else undefined. */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

/** Strings of a list (or of a single string). */
export function asStrings(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** How a value is quoted in a message. */
export function show(read: Read): string {
  if (read.kind === 'absent') return 'not set';
  if (read.kind === 'expression') return `the expression "${read.expression}"`;
  return JSON.stringify(read.value);
}

/** The value as a JSON object, or undefined for anything else (null, a list, a scalar). */
export function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
