import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsKeyPolicy } from '@cdktf/provider-aws/lib/kms-key-policy';
import { arn } from '../shared/arn';
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
  /**
   * The AWS account the key lives in (12 digits), written into policies as a literal so they
   * are known when the plan is reviewed. @default read from the key's ARN (known after apply)
   */
  readonly accountId?: string;
  /**
   * Aliases (without `alias/`) of other keys of the region that the IAM statements using this
   * key (`policyResource` with `aliasCondition`) also cover: a standby region's readers decrypt
   * the secrets the primary region replicates there under a key the primary's stack creates
   * (stacks/secret-replicas.ts). @default none
   */
  readonly alsoCoveredAliases?: readonly string[];
}

/** The Auto Scaling service-linked role, which launches the instances of EKS managed node groups. */
export const autoScalingServiceLinkedRole = (partition: string, accountId: string) =>
  `arn:${partition}:iam::${accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;

/**
 * A customer-managed KMS key with yearly rotation. Its policy lets the account's IAM
 * policies grant use; lets CloudWatch (alarms to SNS) and CloudWatch Logs use it, each only
 * for this account's resources; and lets the Auto Scaling service-linked role encrypt the
 * EBS volumes of the instances it launches (managed node groups), which a service-linked
 * role cannot be granted through IAM. Everything that uses the key waits for `policy`.
 */
export class EncryptionKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;
  readonly policy: KmsKeyPolicy;
  /** The key's ARN, for `kms_key_id` arguments. */
  readonly arn: string;
  /** The account the key lives in: the literal given, or read from its ARN (a token: known after apply). */
  readonly accountId: string;
  /** The key's partition: `aws` with a literal account ID, else read from its ARN. */
  readonly partition: string;
  /** The key's region. */
  readonly region: string;
  /**
   * The key in an IAM policy, known at plan time: its ARN ends in an id KMS generates, so the
   * resource is every key of the account and region (`key/*`) and `aliasCondition`, which every
   * statement using it carries, narrows it to the key holding this alias (constructs/shared/arn.ts).
   */
  readonly policyResource: string;
  /** The condition that narrows `policyResource` to this key: `kms:ResourceAliases` holds its alias. */
  readonly aliasCondition: { readonly 'ForAnyValue:StringEquals': { readonly 'kms:ResourceAliases': string | readonly string[] } };

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
    this.region = props.region;
    this.alias = new KmsAlias(this, 'alias', { name: `alias/${props.alias}`, targetKeyId: this.key.keyId });

    // Without an account ID input it is read from the key's own ARN: no data source, so plans run offline.
    const accountId = props.accountId ?? Fn.element(Fn.split(':', this.key.arn), 4);
    this.accountId = accountId;
    const partition = props.accountId !== undefined ? 'aws' : Fn.element(Fn.split(':', this.key.arn), 1);
    this.partition = partition;
    this.policyResource = arn(this, 'kms', 'key/*');
    const covered = [props.alias, ...(props.alsoCoveredAliases ?? [])].map((a) => `alias/${a}`);
    this.aliasCondition = { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': covered.length === 1 ? covered[0] : covered } };
    const autoScaling = autoScalingServiceLinkedRole(partition, accountId);
    // The role is named in a condition, not as the principal: a key policy naming a role that
    // does not exist yet (a fresh account, before its first Auto Scaling group) is refused.
    // (Conditions name the account inside ARNs only, so the document stays a literal a reader can decode.)
    const asAutoScaling = { ArnEquals: { 'aws:PrincipalArn': autoScaling } };
    this.policy = new KmsKeyPolicy(this, 'policy', {
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
            Condition: { ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${props.region}:${accountId}:alarm:*` } },
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
          {
            Sid: 'AutoScalingEncryptsLaunchedVolumes',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
            Resource: '*',
            Condition: asAutoScaling,
          },
          {
            Sid: 'AutoScalingAttachesLaunchedVolumes',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 'kms:CreateGrant',
            Resource: '*',
            Condition: { ...asAutoScaling, Bool: { 'kms:GrantIsForAWSResource': true } },
          },
        ],
      }),
    });
  }
}
