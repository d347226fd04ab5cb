/**
 * When the environment names its AWS account, the stacks build ARNs with it (key policies, the
 * search domain, the Kafka topics, the master role's principals). A deploy with another account's
 * credentials would still create everything, in that other account, with policies and references
 * that point at the named one: broken access, and resources in an account nobody meant (issue 15).
 * `allowed_account_ids` on the AWS provider makes terraform refuse to plan or apply anywhere else.
 * So: when any stack of the environment holds an ARN with a literal account ID (a regional ARN,
 * `arn:aws:<service>:<region>:<account>:…`, or a role's, `arn:aws:iam::<account>:role/…`; the
 * AWS-owned principals such as the ELB log-delivery account are `:root` and not counted), every
 * `provider.aws` block of every stack allows exactly those accounts.
 */
import { StackOutcome, StackRule } from '../../types';
import { asStrings, record } from '../../../synthesis/values';

const ACCOUNT_ARNS = [/arn:aws[a-z-]*:[a-z0-9-]+:[a-z]{2}(?:-[a-z]+)+-\d:(\d{12}):/g, /arn:aws[a-z-]*:iam::(\d{12}):role\//g];

/** The literal account IDs in a stack's resources and data sources. */
function literalAccounts(json: Readonly<Record<string, unknown>> | undefined): string[] {
  const text = JSON.stringify([json?.resource ?? {}, json?.data ?? {}]);
  return ACCOUNT_ARNS.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[1]));
}

export const AwsProviderAllowedAccount: StackRule = {
  id: 'SC-PRE-20',
  name: 'AwsProviderAllowedAccount',
  family: 'preflight',
  scope: 'stack',
  description:
    "When the environment's stacks build ARNs with a literal account ID, every AWS provider block sets allowed_account_ids to that account, so credentials of another account are refused instead of deploying there.",
  evaluate(stack) {
    const declared = record(stack.json?.provider)?.aws;
    const blocks = (Array.isArray(declared) ? declared : declared ? [declared] : []).map((b) => record(b) ?? {});
    if (blocks.length === 0) return [{ status: 'not-applicable', reason: 'no AWS provider' }];
    const accounts = [...new Set(stack.environmentStacks().flatMap((s) => literalAccounts(s.json)))].sort();
    if (accounts.length === 0) return [{ status: 'not-applicable', reason: 'no ARN names a literal account; they come from the credentials' }];
    return blocks.map((block): StackOutcome => {
      const provider = typeof block.alias === 'string' ? `provider.aws.${block.alias}` : 'provider.aws';
      const allowed = asStrings(block.allowed_account_ids);
      const missing = accounts.filter((a) => !allowed.includes(a));
      if (missing.length === 0) return { status: 'compliant' };
      return {
        status: 'non-compliant',
        message:
          `the stacks build ARNs with account ${missing.join(', ')}, but ${provider} ${allowed.length === 0 ? 'sets no allowed_account_ids' : `allows only ${allowed.join(', ')}`}: ` +
          'credentials of another account would deploy everything there, pointing at this one; set allowed_account_ids',
      };
    });
  },
};
