/**
 * Where the primary region replicates the secrets the other regions read (the services' PgBouncer
 * passwords, a global database's master password): each other region, under a key the primary's
 * stack creates there through a provider for that region (constructs/aws/secret-replica-key.ts).
 * Naming the other region's own key (`alias/<env>-<region>`) instead made a cycle: the standby's
 * stack is deployed after the primary's, whose replicas waited for that alias.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecretReplicaKey } from '../constructs/aws/secret-replica-key';
import { terraformLiterals } from '../synthesis/terraform-literal';
import { allowedAccounts } from './aws-account';
import { RegionalStack } from './regional-stack';
import { secretReplicaKeyAlias } from './stack-names';

/** A replica region and the key its replicas are encrypted with. */
export interface SecretReplicaRegion {
  readonly region: string;
  readonly kmsKeyId: string;
}

/** Every other region of the environment with its replica key, created in `stack` on first use. */
export function secretReplicaRegions(stack: RegionalStack): SecretReplicaRegion[] {
  const f = stack.foundation;
  return f.environment.regions
    .filter((r) => r.code !== f.region.code)
    .map(({ code }) => {
      const id = `secret-replica-key-${code}`;
      const existing = stack.node.tryFindChild(id);
      if (existing instanceof SecretReplicaKey) return { region: code, kmsKeyId: existing.arn };
      // The same id as stacks/region-peering.ts gives its provider for that region: one per region.
      const providerId = `aws-${code}`;
      const provider =
        (stack.node.tryFindChild(providerId) as AwsProvider | undefined) ??
        new AwsProvider(stack, providerId, {
          alias: code,
          region: code,
          ...allowedAccounts(f.environment),
          defaultTags: [{ tags: terraformLiterals({ ...f.environment.tags, 'stagecraft:region': code }) }],
        });
      const key = new SecretReplicaKey(stack, id, {
        alias: secretReplicaKeyAlias(f.environment.name, f.region.code, code),
        description: `${f.namePrefix}: secrets replicated to ${code}`,
        provider,
        accountId: f.environment.awsAccountId,
      });
      return { region: code, kmsKeyId: key.arn };
    });
}
