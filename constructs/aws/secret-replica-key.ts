/**
 * The key a primary region's secrets are replicated under in another region (the services'
 * PgBouncer passwords, a global database's master password). It is created by the primary
 * region's stack, through a provider for the replica region, so the primary's stack never names
 * a key the other region's stack creates: that stack is deployed after the primary's (it joins
 * the global database), so the replica could not wait for it.
 */
import { Construct } from 'constructs';
import { Fn, TerraformProvider } from 'cdktf';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsKeyPolicy } from '@cdktf/provider-aws/lib/kms-key-policy';
import { preventDestroy } from '../shared/protection';

/** Props of a SecretReplicaKey. */
export interface SecretReplicaKeyProps {
  /** Alias without the `alias/` prefix. */
  readonly alias: string;
  /** What the key protects, shown in the console. */
  readonly description: string;
  /** The AWS provider of the replica region. */
  readonly provider: TerraformProvider;
  /** The AWS account (12 digits), a literal in the key policy. @default read from the key's ARN (known after apply) */
  readonly accountId?: string;
  /** Days a scheduled deletion waits. @default 30 (the maximum) */
  readonly deletionWindowDays?: number;
}

/**
 * A customer-managed key with yearly rotation whose policy only lets the account's IAM policies
 * grant its use: Secrets Manager encrypts a replica with the deployer's permissions, and the
 * replica region's readers decrypt through Secrets Manager with theirs (their `kms:ViaService`
 * statement names this alias, constructs/aws/encryption-key.ts `alsoCoveredAliases`). No service
 * principal is granted anything: nothing but Secrets Manager replicas uses it.
 */
export class SecretReplicaKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;
  readonly policy: KmsKeyPolicy;
  /** The key's ARN, for a replica's `kms_key_id`. */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: SecretReplicaKeyProps) {
    super(scope, id);
    const deletionWindowDays = props.deletionWindowDays ?? 30;
    this.key = preventDestroy(
      new KmsKey(this, 'key', {
        provider: props.provider,
        description: props.description,
        enableKeyRotation: true,
        deletionWindowInDays: deletionWindowDays,
      }),
    );
    this.arn = this.key.arn;
    this.alias = new KmsAlias(this, 'alias', { provider: props.provider, name: `alias/${props.alias}`, targetKeyId: this.key.keyId });
    const accountId = props.accountId ?? Fn.element(Fn.split(':', this.key.arn), 4);
    const partition = props.accountId !== undefined ? 'aws' : Fn.element(Fn.split(':', this.key.arn), 1);
    this.policy = new KmsKeyPolicy(this, 'policy', {
      provider: props.provider,
      keyId: this.key.keyId,
      policy: Fn.jsonencode({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'AccountAdministers', Effect: 'Allow', Principal: { AWS: `arn:${partition}:iam::${accountId}:root` }, Action: 'kms:*', Resource: '*' },
        ],
      }),
    });
  }
}
