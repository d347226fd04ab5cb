/** Prop validation shared by every construct: check a table of rules, report every broken one at once. */
import { Construct } from 'constructs';

/** One rule a construct's props must keep: the message is reported when `failed` is true. */
export interface PropRule {
  readonly failed: boolean;
  /** `<prop>: <what is wrong, what is allowed, what was received>`. */
  readonly message: string;
}

/**
 * Props a user must fix, every problem at once. The message is the problems, one a line, so
 * the CLI can print it as it is, without a stack trace.
 */
export class InvalidPropsError extends Error {
  /** One entry a broken rule: `<construct path>: <prop>: <message>`. */
  readonly problems: string[];

  constructor(problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'InvalidPropsError';
    this.problems = [...problems];
  }
}

/** Throws one InvalidPropsError listing every rule a construct's props break: `<path>: <prop>: <message>`. */
export function checkProps(scope: Construct, rules: readonly PropRule[]): void {
  const problems = rules.filter((r) => r.failed).map((r) => `${scope.node.path}: ${r.message}`);
  if (problems.length > 0) throw new InvalidPropsError(problems);
}
