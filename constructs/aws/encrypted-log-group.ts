/** The log groups constructs create for AWS services: KMS-encrypted and with a retention. */
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EncryptionKey } from './encryption-key';

/** Props of an encrypted log group. */
export interface EncryptedLogGroupProps {
  /** Log group name; for a group a service writes into, the name that service expects. */
  readonly name: string;
  /** Days events are kept. */
  readonly retentionDays: number;
  /** Key the events are encrypted with; its policy must let CloudWatch Logs use it. */
  readonly encryptionKey: EncryptionKey;
}

/**
 * A CloudWatch log group encrypted with the key and kept `retentionDays`. Created before the
 * resource that writes into it, so the service finds it instead of creating its own,
 * unencrypted and kept forever. It waits for the key's policy, which lets CloudWatch Logs use the key.
 */
export function encryptedLogGroup(scope: Construct, id: string, props: EncryptedLogGroupProps): CloudwatchLogGroup {
  return new CloudwatchLogGroup(scope, id, {
    name: props.name,
    retentionInDays: props.retentionDays,
    kmsKeyId: props.encryptionKey.arn,
    // CloudWatch Logs checks the key policy when the group is created (review F5).
    dependsOn: [props.encryptionKey.policy],
  });
}
