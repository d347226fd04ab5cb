import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsKeyPolicy } from '@cdktf/provider-aws/lib/kms-key-policy';
import { preventDestroy } from '../shared/protection';

/** Props of an EncryptionKey. */
export interface EncryptionKeyProps {
  /** Alias without the `alias/` prefix. */
  readonly alias: string;
  /** What the key protects, shown in the console. */
  readonly description: string;
  /** Region the key lives in, for the CloudWatch Logs grant. */
  readonly region: string;
  /** Days a scheduled deletion waits. @default 30 (the maximum) */
  readonly deletionWindowDays?: number;
}

/**
 * A customer-managed KMS key with yearly rotation. Its policy lets the account's IAM
 * policies grant use, and lets CloudWatch (alarms to SNS) and CloudWatch Logs use it.
 */
export class EncryptionKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;
  /** The key's ARN, for `kms_key_id` arguments. */
  readonly arn: string;
  /** The account the key lives in, read from its ARN (a token: known after apply). */
  readonly accountId: string;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const deletionWindowDays = props.deletionWindowDays ?? 30;

    this.key = preventDestroy(
      new KmsKey(this, 'key', {
        description: props.description,
        enableKeyRotation: true,
        deletionWindowInDays: deletionWindowDays,
      }),
    );
    this.arn = this.key.arn;
    this.alias = new KmsAlias(this, 'alias', { name: `alias/${props.alias}`, targetKeyId: this.key.keyId });

    // The account ID is read from the key's own ARN: no data source, so plans run offline.
    const accountId = Fn.element(Fn.split(':', this.key.arn), 4);
    this.accountId = accountId;
    const partition = Fn.element(Fn.split(':', this.key.arn), 1);
    new KmsKeyPolicy(this, 'policy', {
      keyId: this.key.keyId,
      policy: Fn.jsonencode({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AccountAdministers',
            Effect: 'Allow',
            Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
            Action: 'kms:*',
            Resource: '*',
          },
          {
            Sid: 'CloudWatchAlarmsPublishToEncryptedTopics',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
          },
          {
            // Rules that report failed restore tests publish to the same encrypted alarm topic.
            Sid: 'EventBridgePublishesToEncryptedTopics',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
          },
          {
            Sid: 'CloudWatchLogsEncryptLogGroups',
            Effect: 'Allow',
            Principal: { Service: `logs.${props.region}.amazonaws.com` },
            Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
            Resource: '*',
            Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${props.region}:${accountId}:*` } },
          },
        ],
      }),
    });
  }
}
