/**
 * Issue 14, item 4 ("a first plan a reviewer can read"): when the environment names no AWS
 * account (`aws.accountId`), the stacks read the account from the KMS key's ARN, known only after
 * apply. The first plan then shows every bucket name, bucket policy, key policy, SNS topic policy,
 * Secrets Manager policy and host role policy as "(known after apply)": the reviewer approves
 * permissions they cannot read. With the account named, the ARNs are literals and the provider
 * block carries `allowed_account_ids` (stacks/aws-account.ts), which is what this rule reads.
 */
import { StackOutcome, StackRule } from '../../types';
import { asStrings, record } from '../../../synthesis/values';

export const AwsAccountNamed: StackRule = {
  id: 'SC-PRE-21',
  name: 'AwsAccountNamed',
  family: 'preflight',
  scope: 'stack',
  description:
    "Every AWS provider block names the account it deploys to (allowed_account_ids, from the environment's aws.accountId), so policies and bucket names are built with it and known at plan time.",
  evaluate(stack) {
    const declared = record(stack.json?.provider)?.aws;
    const blocks = (Array.isArray(declared) ? declared : declared ? [declared] : []).map((b) => record(b) ?? {});
    if (blocks.length === 0) return [{ status: 'not-applicable', reason: 'no AWS provider' }];
    return blocks.map((block): StackOutcome => {
      if (asStrings(block.allowed_account_ids).length > 0) return { status: 'compliant' };
      const provider = typeof block.alias === 'string' ? `provider.aws.${block.alias}` : 'provider.aws';
      return {
        status: 'non-compliant',
        message:
          `${provider} names no account: the environment sets no aws.accountId, so the account is read from the KMS key's ARN after apply, ` +
          'and the first plan shows every bucket name, bucket policy, key policy, SNS topic policy, Secrets Manager policy and host role policy as "(known after apply)": ' +
          'the reviewer cannot read the permissions they approve; set aws.accountId in the environment (12 digits)',
      };
    });
  },
};
