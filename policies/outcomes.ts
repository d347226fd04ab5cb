/**
 * Outcomes of guardrail checks: a rule reads arguments with synthesis/values.ts and returns one
 * of these. An argument that is an unresolved expression is "could not evaluate", never a pass.
 */
import { asBoolean, read, show } from '../synthesis/values';
import { Outcome } from './types';

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
