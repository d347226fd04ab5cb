/**
 * The guardrail reference from the rule objects and the pack: per family, each rule's id, name
 * (linked to its file), level, what it checks, what compliant means and why it matters.
 */
import { FAMILY_CODES, Pack, Rule, RULE_FAMILIES } from '../../policies/types';
import { code, table } from './markdown';

export interface GuardrailsPageInput {
  readonly notice: string;
  readonly rules: readonly Rule[];
  readonly pack: Pack;
}

/** The rule's file, relative to the repository root: `policies/rules/<family>/<Name>.ts`. */
export function ruleFile(rule: Rule): string {
  return `policies/rules/${rule.family}/${rule.name}.ts`;
}

function appliesTo(rule: Rule): string {
  return rule.scope === 'resource' ? rule.resourceTypes.map(code).join(', ') : 'each stack as a whole';
}

export function renderGuardrailsPage(input: GuardrailsPageInput): string {
  const entries = new Map(input.pack.rules.map((entry) => [entry.rule.id, entry]));
  const levelCount = (level: string) => input.rules.filter((rule) => entries.get(rule.id)?.level === level).length;
  const out: string[] = [
    input.notice,
    '',
    '# Guardrail reference',
    '',
    `${input.rules.length} rules in ${RULE_FAMILIES.length} families; the pack \`${input.pack.name}\` makes ${levelCount('error')} of them errors and ${levelCount('warning')} warnings.`,
    'Each rule is a pure function over the synthesized JSON in its own file. `stagecraft check` runs them; errors fail it, warnings fail it only with `--level warning`.',
    'A finding is excused only by a suppression with a written reason, next to the resource (`policies/suppress.ts`).',
    '',
    table(
      ['Family', 'Id prefix', 'Rules'],
      RULE_FAMILIES.map((family) => [
        `[${family}](#${family})`,
        code(`SC-${FAMILY_CODES[family]}`),
        String(input.rules.filter((r) => r.family === family).length),
      ]),
    ),
    '',
  ];
  for (const family of RULE_FAMILIES) {
    const rules = input.rules.filter((rule) => rule.family === family);
    out.push(`## ${family}`, '');
    out.push(
      table(
        ['Id', 'Rule', 'Level', 'Checks', 'Compliant when', 'Why it matters'],
        rules.map((rule) => {
          const entry = entries.get(rule.id);
          return [
            code(rule.id),
            `[${rule.name}](../../${ruleFile(rule)})`,
            entry?.level ?? 'not in the pack',
            appliesTo(rule),
            rule.description,
            entry?.explanation ?? '',
          ];
        }),
      ),
      '',
    );
  }
  return `${out.join('\n').trimEnd()}\n`;
}
