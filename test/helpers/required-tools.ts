/**
 * Tests that need a program of this machine (terraform and the AWS provider mirror, PostgreSQL,
 * nginx, Chromium...) fail when it is missing, never skip (issue 14, "Bad input": the suite says
 * which stacks could not be checked rather than passing them). Where a program is missing, the
 * suite's `describe` becomes one failing test whose message names what is missing, how to get
 * it, and what could not be checked; `.ci/run` installs the Debian packages, and the machine image
 * brings terraform 1.11 and the mirror (docs/verification.md; `requireTerraform` in ./terraform.ts).
 */

/** A `describe` that runs its suite, or fails in its place. */
export type RequiredDescribe = (name: string, body: () => void) => void;

/**
 * `describe` when `missing` is empty; else a suite of one failing test that says what is missing
 * and that `unchecked` (a phrase, or a function giving it when the test runs) was not checked.
 */
export function describeRequiring(missing: readonly string[], unchecked: string | (() => string)): RequiredDescribe {
  if (missing.length === 0) return describe;
  return (name, _body) =>
    describe(name, () => {
      it(`cannot run: ${missing.join('; ')}`, () => {
        const what = typeof unchecked === 'string' ? unchecked : unchecked();
        throw new Error(`Not checked: ${what}. Missing: ${missing.join('; ')}.`);
      });
    });
}

/** `[what]` when `present` is false, for `describeRequiring`. */
export function unless(present: boolean, what: string): string[] {
  return present ? [] : [what];
}
