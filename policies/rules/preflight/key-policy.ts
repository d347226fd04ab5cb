/** Reading a KMS key's policy for the preflight rules: its statements, and whom they allow what. */
import { decodePolicy, JsonValue, statements, stringList } from '../../../synthesis/policy-document';
import { record } from '../../../synthesis/values';
import { ResourceView, StackView } from '../../types';

export type Statement = Record<string, JsonValue>;

/** The key's policy statements (from `aws_kms_key_policy` or the key's own `policy`), or why they cannot be read. */
export function keyStatements(key: ResourceView, stack: StackView): { statements: Statement[] } | { unreadable: string } {
  const attached = stack.referencing('aws_kms_key_policy', 'key_id', key)[0];
  const policy = attached ? attached.values.policy : key.values.policy;
  if (policy === undefined) return { statements: [] };
  const decoded = decodePolicy(policy);
  if ('unresolved' in decoded) return { unreadable: `the key policy is the unresolved expression "${decoded.unresolved.slice(0, 120)}"` };
  return { statements: statements(decoded.document) };
}

/** True when an IAM action pattern (`kms:*`, `kms:ReEncrypt*`) covers `action`. */
export function actionCovers(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );
  return regex.test(action);
}

/** The actions of `required` no Allow statement matching `who` grants. */
export function missingActions(all: readonly Statement[], who: (s: Statement) => boolean, required: readonly string[]): string[] {
  const allowing = all.filter((s) => s.Effect === 'Allow' && who(s));
  return required.filter((action) => !allowing.some((s) => stringList(s.Action).some((pattern) => actionCovers(pattern, action))));
}

/** The principals of a statement of one kind (`AWS`, `Service`); `"*"` counts as `AWS: "*"`. */
export function principals(statement: Statement, kind: 'AWS' | 'Service'): string[] {
  if (statement.Principal === '*') return kind === 'AWS' ? ['*'] : [];
  return stringList(record(statement.Principal)?.[kind] as JsonValue | undefined);
}

/** Every value of a condition key in a statement, as strings, whatever the operator (`ArnLike`, `StringEquals`, `Bool`, …). */
export function conditionValues(statement: Statement, key: string): string[] {
  const condition = record(statement.Condition) ?? {};
  return Object.values(condition).flatMap((operator) => {
    const entries = Object.entries(record(operator) ?? {});
    return entries
      .filter(([k]) => k.toLowerCase() === key.toLowerCase())
      .flatMap(([, v]) => (Array.isArray(v) ? v : [v]))
      .filter((v) => typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number')
      .map(String);
  });
}
