/**
 * Reading synthesized arguments the way rules need them: nested blocks may be an object or a
 * list of objects, booleans may be strings (`"true"`), and any value may be an unresolved
 * Terraform expression (`${…}`) that a rule must report as "could not evaluate", not pass.
 */
import { Outcome } from './types';

/** A value read at a path: absent, an unresolved expression, or a literal. */
export type Read =
  | { readonly kind: 'absent' }
  | { readonly kind: 'expression'; readonly expression: string }
  | { readonly kind: 'value'; readonly value: unknown };

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

export const compliant = (): Outcome => ({ status: 'compliant' });
export const notApplicable = (reason?: string): Outcome => ({ status: 'not-applicable', ...(reason ? { reason } : {}) });
export const nonCompliant = (message: string): Outcome => ({ status: 'non-compliant', message });
export const couldNotEvaluate = (message: string): Outcome => ({ status: 'could-not-evaluate', message });

/** The "could not evaluate" outcome for an argument whose value is an unresolved expression. */
export function unresolved(path: string, expression: string): Outcome {
  return couldNotEvaluate(`${path} is the unresolved expression "${expression}"; the rule needs its value`);
}

/**
 * Checks one argument: an expression cannot be evaluated; otherwise `test` decides, and the
 * message names the argument and what it holds.
 */
export function expect(values: unknown, path: string, test: (value: unknown) => boolean, requirement: string): Outcome {
  const value = read(values, path);
  if (value.kind === 'expression') return unresolved(path, value.expression);
  if (test(value.kind === 'value' ? value.value : undefined)) return compliant();
  return nonCompliant(`${path} is ${show(value)}; ${requirement}`);
}

/** `expect` for a boolean argument that must be `wanted`; `absentMeans` is the provider default. */
export function expectBoolean(values: unknown, path: string, wanted: boolean, requirement: string, absentMeans?: boolean): Outcome {
  return expect(values, path, (v) => (v === undefined ? absentMeans === wanted : asBoolean(v) === wanted), requirement);
}

/** Passes when the argument is set to anything, a reference included (`kms_key_id`). */
export function expectPresent(values: unknown, path: string, requirement: string): Outcome {
  const value = read(values, path);
  if (value.kind === 'value' && (value.value === '' || (Array.isArray(value.value) && value.value.length === 0))) {
    return nonCompliant(`${path} is empty; ${requirement}`);
  }
  return value.kind === 'absent' ? nonCompliant(`${path} is not set; ${requirement}`) : compliant();
}

/**
 * Combines the outcomes of several checks on one resource: the non-compliant ones (messages
 * joined) win over could-not-evaluate, which wins over compliant. All not-applicable stays so.
 */
export function allOf(...outcomes: Outcome[]): Outcome {
  const failed = outcomes.filter((o): o is Extract<Outcome, { status: 'non-compliant' }> => o.status === 'non-compliant');
  if (failed.length > 0) return nonCompliant(failed.map((o) => o.message).join('; '));
  const unknown = outcomes.filter((o): o is Extract<Outcome, { status: 'could-not-evaluate' }> => o.status === 'could-not-evaluate');
  if (unknown.length > 0) return couldNotEvaluate(unknown.map((o) => o.message).join('; '));
  if (outcomes.length > 0 && outcomes.every((o) => o.status === 'not-applicable')) return notApplicable();
  return compliant();
}
