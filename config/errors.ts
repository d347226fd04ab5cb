/**
 * Errors a user can fix. The CLI prints them without a stack trace and exits with code 2.
 */

/** A problem in one field, before the file it is in is known (rules that see only a parsed value report these). */
export interface FieldProblem {
  /** Field path inside the file (`regions[2]`, `network.cidrs.us-east-1`), or `(root)`. */
  readonly path: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

/**
 * One problem in one input: where it is and what is wrong. Every bad-input message of
 * Stagecraft is one of these: a file and field path for configuration, a construct path and
 * prop for construct props, a flag for the command line.
 */
export interface Problem extends FieldProblem {
  /** File the problem is in, as the user named it (or the construct path, or the command). */
  readonly file: string;
}

/** Field problems of `file`, as Problems. */
export function inFile(file: string, problems: readonly FieldProblem[]): Problem[] {
  return problems.map((p) => ({ file, path: p.path, message: p.message }));
}

/** At most this many problems are printed; the rest are counted ("… and N more problems"). */
export const MAX_PROBLEMS_SHOWN = 50;
/** A value quoted in a message is cut to this many characters, with its length. */
export const MAX_VALUE_CHARS = 80;
/** No message part (file, path, message) is printed longer than this, whatever built it. */
const MAX_PART_CHARS = 1000;

/** `text`, cut to `limit` characters followed by `… (N characters)` when it is longer. */
export function truncated(text: string, limit = MAX_VALUE_CHARS): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length} characters)`;
}

/** A received value as messages show it: JSON, cut to MAX_VALUE_CHARS (a 50 MB value is not echoed whole). */
export function shownValue(value: unknown): string {
  return truncated(JSON.stringify(value) ?? String(value));
}

export function formatProblem(problem: Problem): string {
  return `${truncated(problem.file, MAX_PART_CHARS)}: ${truncated(problem.path, MAX_PART_CHARS)}: ${truncated(problem.message, MAX_PART_CHARS)}`;
}

/** The problems as printed: one line each, the first MAX_PROBLEMS_SHOWN, then how many more there are. */
export function formatProblems(problems: readonly Problem[]): string {
  const lines = problems.slice(0, MAX_PROBLEMS_SHOWN).map(formatProblem);
  const rest = problems.length - MAX_PROBLEMS_SHOWN;
  if (rest > 0) lines.push(`… and ${rest} more problem${rest === 1 ? '' : 's'}`);
  return lines.join('\n');
}

/** Input the user must fix; carries every problem found, not just the first. */
export class UserInputError extends Error {
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    super(formatProblems(problems));
    this.name = 'UserInputError';
    this.problems = problems;
  }
}

/** Formats a field path the way the messages show it: `a.b[2].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}
