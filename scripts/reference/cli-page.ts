/**
 * The CLI reference from the command definitions: for each command the text `--help` prints
 * (usage, summary, options, details), as Markdown.
 */
import { FlagSpec } from '../../cli/args';
import { Command } from '../../cli/command';
import { code, table } from './markdown';

export interface CliPageInput {
  readonly notice: string;
  readonly commands: readonly Command[];
  /** The flag every command accepts (`--help`), listed last as `--help` does. */
  readonly helpFlag: FlagSpec;
}

/** GitHub's anchor of a heading `stagecraft <name>`. */
const anchor = (name: string) =>
  `stagecraft-${name
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-')}`;

function flagRow(flag: FlagSpec): string[] {
  return [code(`--${flag.name}`), flag.takesValue ? code(flag.valueName ?? '<value>') : '', flag.repeatable ? 'yes' : '', flag.description];
}

/** A fenced block that no line of `text` can close. */
function fenced(text: string, info = ''): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${info}\n${text}\n${fence}`;
}

export function renderCliPage(input: CliPageInput): string {
  const out: string[] = [
    input.notice,
    '',
    '# CLI reference',
    '',
    'Run commands as `npx stagecraft <command>` (or `node bin/stagecraft.js <command>`); `stagecraft <command> --help` prints the same text as each section below.',
    'Exit codes (`cli/main.ts`): 0 success, 1 a failed check, 2 bad input (every problem listed as `<file>: <field path>: <message>`); a command that adds one says so in its details.',
    '',
    table(
      ['Command', 'What it does'],
      input.commands.map((command) => [`[${command.name}](#${anchor(command.name)})`, command.summary]),
    ),
    '',
  ];
  for (const command of input.commands) {
    out.push(`## stagecraft ${command.name}`, '', command.summary, '', fenced(`stagecraft ${command.usage}`, 'text'), '');
    out.push(table(['Option', 'Value', 'Repeatable', 'Description'], [...command.flags, input.helpFlag].map(flagRow)), '');
    if (command.details) out.push(fenced(command.details, 'text'), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
