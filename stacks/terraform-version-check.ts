/**
 * cdktf checks the Terraform version once per `terraform_data` resource (creation stamps, one per
 * Aurora cluster and a few more) by running `terraform version`, about 0.4 s a run here. The
 * answer cannot change within one process, so the first run's answer is reused for the same
 * command and constraint: the check still happens, once, instead of 80 times for 80 shards
 * (docs/shards.md gives the synth times).
 */
import { ValidateBinaryVersion } from 'cdktf/lib/validations/validate-binary-version';

interface VersionCheck {
  readonly binary: string;
  readonly versionConstraint: string;
  readonly versionCommand: string;
  readonly hint?: string;
}

const answers = new Map<string, string[]>();
const prototype = ValidateBinaryVersion.prototype as unknown as { validate(): string[]; memoized?: true };

if (!prototype.memoized) {
  const check = prototype.validate;
  prototype.validate = function (this: VersionCheck): string[] {
    const key = JSON.stringify([this.binary, this.versionConstraint, this.versionCommand, this.hint]);
    let answer = answers.get(key);
    if (answer === undefined) {
      answer = check.call(this);
      answers.set(key, answer);
    }
    return [...answer];
  };
  prototype.memoized = true;
}
