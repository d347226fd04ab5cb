/**
 * Errors a user can fix. The CLI prints them without a stack trace and exits with code 2.
 */

/** One problem in one input: where it is and what is wrong. */
export interface Problem {
  /** File the problem is in, as the user named it. */
  readonly file: string;
  /** Field path inside the file (`regions[2]`, `network.cidrs.us-east-1`), or `(root)`. */
  readonly path: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
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
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}
