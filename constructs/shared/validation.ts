/** Prop validation shared by every construct: check a table of rules, report every broken one at once. */
import { Construct } from 'constructs';
import { Problem, UserInputError } from '../../config/errors';

/** One rule a construct's props must keep: the message is reported when `failed` is true. */
export interface PropRule {
  readonly failed: boolean;
  /** `<prop>: <what is wrong, what is allowed, what was received>`. */
  readonly message: string;
}

/** A broken rule as a Problem: the construct path where a file would be, the prop as the field path. */
function propProblem(scope: Construct, message: string): Problem {
  const colon = message.indexOf(': ');
  return colon < 0
    ? { file: scope.node.path, path: '(props)', message }
    : { file: scope.node.path, path: message.slice(0, colon), message: message.slice(colon + 2) };
}

/**
 * Throws one UserInputError listing every rule a construct's props break, printed
 * `<construct path>: <prop>: <message>` without a stack trace (exit 2).
 */
export function checkProps(scope: Construct, rules: readonly PropRule[]): void {
  const problems = rules.filter((r) => r.failed).map((r) => propProblem(scope, r.message));
  if (problems.length > 0) throw new UserInputError(problems);
}
