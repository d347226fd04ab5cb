/**
 * The review as Markdown for a pull request comment. The most important sections come first
 * (data loss, refused at apply, replacements, security, downtime and outages, cost), then the
 * changes of each stack with each argument's verdict and line diffs of long strings, then the
 * guardrail findings. GitHub refuses comments over 65,536 characters: the report is cut to a
 * budget section by section, and what is left out is counted and pointed to the full report
 * (the workflow uploads it as an artifact).
 */
import { formatNumber } from '../config/stages';
import { imageChangeText } from './releases';
import { AttributeChange, ChangeAction, Report, ResourceChange, UpdateVerdict } from './types';
import { display } from './values';

/** GitHub's limit on a comment body, in characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  /** The most characters the Markdown may have. @default GITHUB_COMMENT_LIMIT less a margin for the workflow's marker */
  readonly maxChars?: number;
  /** Where the full report is, named when something is left out. @default "the full report: `stagecraft review --format md` without a size limit, or the workflow's review artifact" */
  readonly fullReport?: string;
}

/** Rows of a stack's table before it folds into a <details> block. */
const FOLD_AFTER_ROWS = 25;
/** Rows of one folded table chunk of a large stack. */
const TABLE_CHUNK_ROWS = 50;
/** Changed arguments listed per resource. */
const MAX_ATTRIBUTES = 12;
/** Lines of one line diff shown. */
const MAX_DIFF_LINES = 60;

const ORDER: Record<ChangeAction, number> = { delete: 0, replace: 1, update: 2, create: 3 };
const LABEL: Record<ChangeAction, string> = { create: 'add', update: 'change', replace: '**replace**', delete: '**destroy**' };
const VERDICT: Record<UpdateVerdict, string> = {
  'in-place': 'in place',
  'in-place-downtime': '**in place with downtime**',
  replace: '**replacement**',
  refused: '**refused at apply**',
};

/** `1 entry`, `2 entries`; `3 data-loss entries` (the last word takes the plural). */
function plural(n: number, words: string): string {
  if (n === 1) return `${n} ${words}`;
  const many = /[^aeiou]y$/.test(words) ? `${words.slice(0, -1)}ies` : /(s|sh|ch|x)$/.test(words) ? `${words}es` : `${words}s`;
  return `${n} ${many}`;
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
  const values = a.lineDiff
    ? `${plural(a.lineDiff.filter((l) => l.startsWith('+') || l.startsWith('-')).length, 'line')} changed (diff below)`
    : `${code(display(a.before, 80))} → ${code(display(a.after, 80))}`;
  const unsure = a.mayForceReplacement && !a.forcesReplacement ? ` (may force replacement: ${a.mayForceReplacement})` : '';
  const verdict = a.verdict === 'in-place' && a.verdictReason === 'updated in place' ? VERDICT['in-place'] : `${VERDICT[a.verdict]}: ${a.verdictReason}`;
  return `${code(a.path)}: ${values}: ${verdict}${unsure}`;
}

function changeRow(change: ResourceChange): string {
  const shown = change.attributes.slice(0, MAX_ATTRIBUTES).map(attributeText);
  if (change.attributes.length > MAX_ATTRIBUTES) shown.push(`… and ${change.attributes.length - MAX_ATTRIBUTES} more`);
  return `| ${LABEL[change.action]} | ${code(change.address)} | ${change.type} | ${cell(shown.join('<br>'))} |`;
}

function lineDiffBlock(change: ResourceChange, a: AttributeChange): string {
  const lines = a.lineDiff ?? [];
  const shown = lines.slice(0, MAX_DIFF_LINES);
  if (lines.length > MAX_DIFF_LINES) shown.push(`… ${lines.length - MAX_DIFF_LINES} more diff lines`);
  const changed = lines.filter((l) => l.startsWith('+') || l.startsWith('-')).length;
  const decoded = a.lineDiffDecoded ? `, decoded from ${a.lineDiffDecoded}` : '';
  return [
    `<details><summary>${code(change.address)} ${code(a.path)}: ${plural(changed, 'line')} changed${decoded}</summary>`,
    '',
    '```diff',
    ...shown.map((l) => l.replace(/```/g, 'ˋˋˋ')),
    '```',
    '',
    '</details>',
  ].join('\n');
}

/** A section of the report: its heading, what it says when empty, its entries, and how to summarize the ones left out. */
interface Section {
  readonly heading: string;
  readonly empty?: string;
  /** Lines before the entries (a table header), kept with the first entry. */
  readonly lead?: readonly string[];
  readonly entries: readonly string[];
  readonly more: (n: number) => string;
  /** Text after the entries. */
  readonly tail?: readonly string[];
}

/** Composes sections within a character budget, in order; entries that do not fit are counted. */
class Budget {
  readonly out: string[] = [];
  length = 0;
  omitted = 0;

  constructor(private readonly max: number) {}

  fits(text: string, reserve: number): boolean {
    return this.length + text.length + 1 + reserve <= this.max;
  }

  push(text: string): void {
    this.out.push(text);
    this.length += text.length + 1;
  }

  /** Adds a section; `reserve` is what the sections after it need at least. */
  section(section: Section, reserve: number): void {
    this.push(`### ${section.heading}\n`);
    if (section.entries.length === 0) {
      if (section.empty) this.push(`${section.empty}\n`);
      return;
    }
    const lead = section.lead && section.lead.length > 0 ? `${section.lead.join('\n')}` : undefined;
    const summaryReserve = 160;
    let shown = 0;
    for (const entry of section.entries) {
      const text = shown === 0 && lead ? `${lead}\n${entry}` : entry;
      if (!this.fits(text, reserve + summaryReserve)) break;
      this.push(text);
      shown++;
    }
    const left = section.entries.length - shown;
    if (left > 0) {
      this.omitted += left;
      this.push(`\n_${section.more(left)}_`);
    }
    if (!this.out[this.out.length - 1].endsWith('\n')) this.push('');
    for (const line of section.tail ?? []) if (this.fits(line, reserve)) this.push(line);
  }
}

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const max = options.maxChars ?? GITHUB_COMMENT_LIMIT - 512;
  const fullReport = options.fullReport ?? 'the full report: `stagecraft review --format md` without a size limit, or the workflow’s review artifact';
  const s = report.summary;
  const budget = new Budget(max);
  const title = s.stacksChanged === 0 ? 'no changes' : `${counts(report)} in ${plural(s.stacksChanged, 'stack')}`;
  budget.push(`## Stagecraft review: ${title}\n`);
  const badges = [
    `${code(report.base)} → ${code(report.head)}`,
    s.dataLoss > 0 ? `**${plural(s.dataLoss, 'data-loss risk')}**` : 'no data-loss risk',
    s.refused > 0 ? `**${plural(s.refused, 'change')} AWS refuses**` : 'nothing refused',
    `${s.downtime} ${s.downtime === 1 ? 'downtime or outage' : 'downtimes or outages'}`,
    plural(s.security, 'security change'),
    s.findings === null ? 'guardrails not run' : plural(s.findings, 'guardrail finding'),
    report.cost
      ? `cost ${report.cost.monthlyDelta >= 0 ? '+' : '−'}${money(Math.abs(report.cost.monthlyDelta))} ${report.cost.currency} a month`
      : `cost: ${report.costNote ?? 'not available'}`,
  ];
  budget.push(`${badges.join(' · ')}\n`);

  const changes = report.stacks.flatMap((st) => st.changes);
  const replaced = changes.filter((c) => c.action === 'replace');
  const risks = (kind: 'refused' | 'other') => report.applyRisks.filter((r) => (kind === 'refused' ? r.kind === 'refused' : r.kind !== 'refused'));
  const riskLine = (r: Report['applyRisks'][number]) =>
    `- ${r.kind === 'refused' ? '**' : ''}${code(r.stack)} ${code(r.address)}${r.path ? ` ${code(r.path)}` : ''}: ${r.kind === 'outage' ? 'outage: ' : ''}${r.message}${r.kind === 'refused' ? '**' : ''} <sub>(${r.source})</sub>`;

  const cost: string[] = [];
  if (report.cost) {
    const c = report.cost;
    const signed = (n: number) => `${n >= 0 ? '+' : '−'}${money(Math.abs(n))}`;
    cost.push(`**${signed(c.monthlyDelta)} ${c.currency} a month**: ${money(c.monthlyBefore)} → ${money(c.monthlyAfter)}.\n`);
    if (c.lines && c.lines.length > 0)
      cost.push(
        [
          '| stack | before | after | difference |',
          '|---|---:|---:|---:|',
          ...c.lines.map((l) => `| ${cell(l.label)} | ${money(l.monthlyBefore)} | ${money(l.monthlyAfter)} | ${signed(l.monthlyAfter - l.monthlyBefore)} |`),
          '',
        ].join('\n'),
      );
    if (c.unpriced && c.unpriced.length > 0) cost.push(`Not priced, so not in the totals: ${c.unpriced.map(code).join(', ')}.\n`);
    if (c.source) cost.push(`<sub>${c.source}</sub>\n`);
  }

  const changeEntries: string[] = [];
  for (const stack of report.stacks) {
    const sorted = [...stack.changes].sort((a, b) => ORDER[a.action] - ORDER[b.action] || a.address.localeCompare(b.address));
    const byAction = (action: ChangeAction) => sorted.filter((c) => c.action === action).length;
    const heading = `#### ${code(stack.stack)}: ${byAction('create')} to add, ${byAction('update')} to change, ${byAction('replace')} to replace, ${byAction('delete')} to destroy\n`;
    const header = ['| action | resource | type | changed arguments (before → after: verdict) |', '|---|---|---|---|'];
    const rows = sorted.map(changeRow);
    if (rows.length <= FOLD_AFTER_ROWS) changeEntries.push(`${heading}\n${[...header, ...rows].join('\n')}\n`);
    else {
      // A large stack folds, in chunks, so that a comment cut to size still shows its first rows.
      for (let i = 0; i < rows.length; i += TABLE_CHUNK_ROWS) {
        const chunk = rows.slice(i, i + TABLE_CHUNK_ROWS);
        const summary = `${plural(sorted.length, 'resource')}, ${i + 1}–${i + chunk.length}`;
        changeEntries.push(`${i === 0 ? `${heading}\n` : ''}<details><summary>${summary}</summary>\n\n${[...header, ...chunk].join('\n')}\n\n</details>\n`);
      }
    }
    for (const change of sorted)
      for (const a of change.attributes) if (a.lineDiff && a.lineDiff.length > 0) changeEntries.push(`${lineDiffBlock(change, a)}\n`);
    for (const rename of stack.possibleRenames)
      changeEntries.push(
        `- ${code(rename.from)} → ${code(rename.to)} have the same arguments: a renamed construct id? Add a \`moved\` block, or Terraform destroys and re-creates it.\n`,
      );
  }

  const findings = report.findings ?? [];
  const suppressedNote =
    report.suppressedFindings > 0 ? `${plural(report.suppressedFindings, 'finding')} suppressed with a reason; \`stagecraft check\` lists them.` : undefined;
  const sections: Section[] = [
    {
      heading: 'Data loss',
      empty: 'No stateful resource is destroyed or replaced, and no data protection is removed.',
      entries: report.dataLoss.map((e) => {
        const text = `${code(e.stack)} ${code(e.address)}: ${e.message}`;
        return e.kind === 'protection' ? `- ${text}` : `- **${text}**`;
      }),
      more: (n) => `… and ${plural(n, 'more data-loss entry')} (${fullReport})`,
    },
    {
      heading: 'Refused at apply',
      empty: 'Nothing the plan would accept is refused by AWS, Kubernetes or Terraform at apply.',
      entries: risks('refused').map(riskLine),
      more: (n) => `… and ${plural(n, 'more refused change')} (${fullReport})`,
    },
    {
      heading: 'Replacements',
      empty: 'Nothing is replaced.',
      entries: replaced.map((c) => {
        const forcing = c.attributes.filter((a) => a.forcesReplacement).map((a) => code(a.path));
        return `- ${code(c.stack)} ${code(c.address)} (${c.type})${forcing.length > 0 ? ` because of ${forcing.join(', ')}` : ''}`;
      }),
      more: (n) => `… and ${plural(n, 'more replacement')} (${fullReport})`,
    },
    // Only when a host release changes: most reviews have none, and say nothing of it.
    ...(report.releases.length > 0
      ? [
          {
            heading: 'Releases on hosts',
            entries: report.releases.flatMap((r) =>
              r.images.length > 0
                ? r.images.map((image) => `- ${code(r.stack)}: ${code(imageChangeText(image))}`)
                : [`- ${code(r.stack)}: ${r.note ?? 'the compose file changes, no image does (its diff is under Changes)'}`],
            ),
            more: (n: number) => `… and ${plural(n, 'more release change')} (${fullReport})`,
            tail: [
              '<sub>The running hosts pull and apply the new release when the deploy writes it (State Manager); they are not replaced. docs/releases.md</sub>',
              '',
            ],
          },
        ]
      : []),
    {
      heading: 'Security',
      empty: 'No change to IAM, security groups, public exposure, encryption or TLS.',
      lead: ['| stack | resource | category | change |', '|---|---|---|---|'],
      entries: report.security.map((e) => `| ${e.stack} | ${code(e.address)} | ${e.category} | ${cell(e.message)} |`),
      more: (n) => `… and ${plural(n, 'more security change')} (${fullReport})`,
    },
    {
      heading: 'Downtime and outages',
      empty: 'No update takes a resource down, and nothing that serves traffic or answers DNS is destroyed.',
      entries: risks('other').map(riskLine),
      more: (n) => `… and ${n} more downtimes or outages (${fullReport})`,
    },
    {
      heading: 'Cost',
      empty: `cost: ${report.costNote ?? 'not available'}`,
      entries: cost,
      more: () => `the cost table is cut (${fullReport})`,
    },
    {
      heading: 'Changes',
      empty: 'Nothing changes.',
      entries: changeEntries,
      more: (n) => `… ${n} more stack tables or diffs left out: ${plural(changes.length, 'resource change')} in all (${fullReport})`,
    },
    {
      heading: 'Guardrail findings on head',
      empty:
        report.findings === null
          ? 'Not run: there is no head synthesis to check.'
          : `None${report.suppressedFindings > 0 ? ` (${report.suppressedFindings} suppressed with a reason; \`stagecraft check\` lists them)` : ''}.`,
      lead: ['| level | stack | resource | rule | message |', '|---|---|---|---|---|'],
      entries: findings.map((f) => `| ${f.level} | ${f.stack} | ${code(f.address)} | ${f.ruleId} ${f.ruleName} | ${cell(f.message)} |`),
      more: (n) => `… and ${plural(n, 'more finding')} (\`stagecraft check\` lists them all)`,
      tail: findings.length > 0 && suppressedNote ? [suppressedNote, ''] : [],
    },
  ];
  const notes = report.notes.map((n) => `> ${n}`);
  const notesLength = notes.join('\n').length + 400;
  sections.forEach((section, i) => {
    // What the later sections need at least: their headings and summary lines.
    const reserve = sections.slice(i + 1).reduce((sum, later) => sum + later.heading.length + 200, 0) + notesLength;
    budget.section(section, reserve);
  });
  for (const note of notes) if (budget.fits(note, 200)) budget.push(note);
  if (budget.omitted > 0) budget.push(`\n> ${plural(budget.omitted, 'entry')} left out to fit a pull request comment; see ${fullReport}.`);
  return `${budget.out.join('\n').trimEnd()}\n`;
}
