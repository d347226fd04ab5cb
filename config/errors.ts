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

export function formatProblem(problem: Problem): string {
  return `${problem.file}: ${problem.path}: ${problem.message}`;
}

/** Input the user must fix; carries every problem found, not just the first. */
export class UserInputError extends Error {
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'UserInputError';
    this.problems = problems;
  }
}

/** Formats a field path the way the messages show it: `a.b[2].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}
