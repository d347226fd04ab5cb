/**
 * The review as Markdown for a pull request comment: a title with the counts, data loss first
 * and in bold, security, the changes of each stack, guardrail findings on the head, and cost.
 */
import { formatNumber } from '../config/stages';
import { AttributeChange, ChangeAction, Report, ResourceChange } from './types';
import { display } from './values';

/** Rows of a stack's table before it folds into a <details> block, and the most rows shown at all. */
const FOLD_AFTER_ROWS = 25;
const MAX_ROWS = 200;
/** Changed arguments listed per resource. */
const MAX_ATTRIBUTES = 12;

const ORDER: Record<ChangeAction, number> = { delete: 0, replace: 1, update: 2, create: 3 };
const LABEL: Record<ChangeAction, string> = { create: 'add', update: 'change', replace: '**replace**', delete: '**destroy**' };

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `$1,234.56`. */
function money(usd: number): string {
  return `$${formatNumber(usd, 2)}`;
}

/** Text safe inside a table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, 'ˋ')}\``;
}

function counts(report: Report): string {
  const s = report.summary;
  return `${s.create} to add, ${s.update} to change, ${s.replace} to replace, ${s.delete} to destroy`;
}

function attributeText(a: AttributeChange): string {
  const note = a.forcesReplacement ? ' (forces replacement)' : a.mayForceReplacement ? ` (may force replacement: ${a.mayForceReplacement})` : '';
  return `${code(a.path)}: ${code(display(a.before, 80))} → ${code(display(a.after, 80))}${note}`;
}

function changeRow(change: ResourceChange): string {
  const shown = change.attributes.slice(0, MAX_ATTRIBUTES).map(attributeText);
  if (change.attributes.length > MAX_ATTRIBUTES) shown.push(`… and ${change.attributes.length - MAX_ATTRIBUTES} more`);
  return `| ${LABEL[change.action]} | ${code(change.address)} | ${change.type} | ${cell(shown.join('<br>'))} |`;
}

export function renderMarkdown(report: Report): string {
  const s = report.summary;
  const lines: string[] = [];
  const title = s.stacksChanged === 0 ? 'no changes' : `${counts(report)} in ${plural(s.stacksChanged, 'stack')}`;
  lines.push(`## Stagecraft review: ${title}`, '');
  const badges = [
    `${code(report.base)} → ${code(report.head)}`,
    s.dataLoss > 0 ? `**${plural(s.dataLoss, 'data-loss risk')}**` : 'no data-loss risk',
    plural(s.security, 'security change'),
    s.findings === null ? 'guardrails not run' : plural(s.findings, 'guardrail finding'),
    report.cost
      ? `cost ${report.cost.monthlyDelta >= 0 ? '+' : '−'}${money(Math.abs(report.cost.monthlyDelta))} ${report.cost.currency} a month`
      : `cost: ${report.costNote ?? 'not available'}`,
  ];
  lines.push(badges.join(' · '), '');

  lines.push('### Data loss', '');
  if (report.dataLoss.length === 0) lines.push('No stateful resource is destroyed or replaced, and no data protection is removed.', '');
  for (const entry of report.dataLoss) {
    const text = `${code(entry.stack)} ${code(entry.address)}: ${entry.message}`;
    lines.push(entry.kind === 'protection' ? `- ${text}` : `- **${text}**`);
  }
  if (report.dataLoss.length > 0) lines.push('');

  lines.push('### Security', '');
  if (report.security.length === 0) lines.push('No change to IAM, security groups, public exposure, encryption or TLS.', '');
  else {
    lines.push('| stack | resource | category | change |', '|---|---|---|---|');
    for (const entry of report.security) lines.push(`| ${entry.stack} | ${code(entry.address)} | ${entry.category} | ${cell(entry.message)} |`);
    lines.push('');
  }

  lines.push('### Changes', '');
  if (report.stacks.length === 0) lines.push('Nothing changes.', '');
  for (const stack of report.stacks) {
    const sorted = [...stack.changes].sort((a, b) => ORDER[a.action] - ORDER[b.action] || a.address.localeCompare(b.address));
    const byAction = (action: ChangeAction) => sorted.filter((c) => c.action === action).length;
    lines.push(
      `#### ${code(stack.stack)}: ${byAction('create')} to add, ${byAction('update')} to change, ${byAction('replace')} to replace, ${byAction('delete')} to destroy`,
      '',
    );
    const rows = ['| action | resource | type | changed arguments (before → after) |', '|---|---|---|---|', ...sorted.slice(0, MAX_ROWS).map(changeRow)];
    if (sorted.length > MAX_ROWS) rows.push(`| | … ${sorted.length - MAX_ROWS} more | | see \`--format json\` |`);
    if (sorted.length > FOLD_AFTER_ROWS) lines.push(`<details><summary>${plural(sorted.length, 'resource')}</summary>`, '', ...rows, '', '</details>', '');
    else lines.push(...rows, '');
    for (const rename of stack.possibleRenames) {
      lines.push(
        `- ${code(rename.from)} → ${code(rename.to)} have the same arguments: a renamed construct id? Add a \`moved\` block, or Terraform destroys and re-creates it.`,
      );
    }
    if (stack.possibleRenames.length > 0) lines.push('');
  }

  lines.push('### Guardrail findings on head', '');
  if (report.findings === null) lines.push('Not run: there is no head synthesis to check.', '');
  else if (report.findings.length === 0)
    lines.push(`None${report.suppressedFindings > 0 ? ` (${report.suppressedFindings} suppressed with a reason; \`stagecraft check\` lists them)` : ''}.`, '');
  else {
    lines.push('| level | stack | resource | rule | message |', '|---|---|---|---|---|');
    for (const f of report.findings) lines.push(`| ${f.level} | ${f.stack} | ${code(f.address)} | ${f.ruleId} ${f.ruleName} | ${cell(f.message)} |`);
    lines.push('');
    if (report.suppressedFindings > 0)
      lines.push(`${plural(report.suppressedFindings, 'finding')} suppressed with a reason; \`stagecraft check\` lists them.`, '');
  }

  lines.push('### Cost', '');
  if (report.cost) {
    const c = report.cost;
    const signed = (n: number) => `${n >= 0 ? '+' : '−'}${money(Math.abs(n))}`;
    lines.push(`**${signed(c.monthlyDelta)} ${c.currency} a month**: ${money(c.monthlyBefore)} → ${money(c.monthlyAfter)}.`, '');
    if (c.lines && c.lines.length > 0) {
      lines.push(
        '| stack | before | after | difference |',
        '|---|---:|---:|---:|',
        ...c.lines.map((l) => `| ${cell(l.label)} | ${money(l.monthlyBefore)} | ${money(l.monthlyAfter)} | ${signed(l.monthlyAfter - l.monthlyBefore)} |`),
        '',
      );
    }
    if (c.unpriced && c.unpriced.length > 0) lines.push(`Not priced, so not in the totals: ${c.unpriced.map(code).join(', ')}.`, '');
    if (c.source) lines.push(`<sub>${c.source}</sub>`, '');
  } else lines.push(`cost: ${report.costNote ?? 'not available'}`, '');

  if (report.notes.length > 0) lines.push(...report.notes.map((n) => `> ${n}`), '');
  return `${lines.join('\n').trimEnd()}\n`;
}
