/** The shape every CLI command has, so --help, errors and exit codes work the same everywhere. */
import { FlagSpec, ParsedArgs } from './args';

/** Where a command writes: stdout for results, stderr for progress. Injectable for tests. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Working directory the command resolves relative paths against. */
  readonly cwd: string;
}

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Usage line(s) after `stagecraft`. */
  readonly usage: string;
  /** Paragraphs shown by --help after the flags. */
  readonly details?: string;
  readonly flags: readonly FlagSpec[];
  /**
   * Whether the command runs from the project root (config/project.ts), found from the working
   * directory upward, rather than from the working directory itself (init, which makes a project).
   * @default true
   */
  readonly runsInProjectRoot?: boolean;
  /** Runs the command; resolves to the process exit code. Throws UserInputError for bad input (exit 2). */
  run(args: ParsedArgs, io: Io): Promise<number>;
}

export const HELP_FLAG: FlagSpec = { name: 'help', takesValue: false, description: 'show this help' };
/** `--from <dir>` of the commands that read a synthesis but never write one. */
export const FROM_FLAG: FlagSpec = {
  name: 'from',
  takesValue: true,
  valueName: '<dir>',
  description: 'read an existing synthesis (e.g. cdktf.out) instead of synthesizing into a temporary directory',
};
export const JSON_FLAG: FlagSpec = { name: 'json', takesValue: false, description: 'print one JSON document on stdout instead of text' };
