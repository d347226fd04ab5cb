/**
 * The account guard of every AWS provider block (issue 15): when the environment names its account
 * (`aws.accountId`), ARNs are built with it (key policies, the search domain, the topics), so a
 * deploy with another account's credentials would create everything there with ARNs that point at
 * the named one. `allowed_account_ids` makes the provider refuse to plan or apply in any other
 * account. Without `aws.accountId` the ARNs come from the credentials' own account, and no guard
 * is set. SC-PRE-20 AwsProviderAllowedAccount checks it.
 */
import { Environment } from '../config/environment';

/** `allowedAccountIds` for an AwsProvider of `environment`: its account, or nothing when it names none. */
export function allowedAccounts(environment: Pick<Environment, 'awsAccountId'>): { allowedAccountIds?: string[] } {
  return environment.awsAccountId ? { allowedAccountIds: [environment.awsAccountId] } : {};
}
