/**
 * A Secrets Manager secret whose value the deployer puts at deploy time (an origin certificate
 * and its key, for example): Terraform creates the secret and its access, never a version, so
 * the value is in neither the synthesized JSON nor the state.
 */
import { Construct } from 'constructs';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { secretArn } from '../shared/arn';
import { EncryptionKey } from './encryption-key';

/** Props of a DeployerSecret. */
export interface DeployerSecretProps {
  /** Secrets Manager name, e.g. `acme-launch/us-east-1/origin-tls`. */
  readonly name: string;
  /** What the value is and the documented command that puts it. */
  readonly description: string;
  /** Key the secret is encrypted with. */
  readonly encryptionKey: EncryptionKey;
  /** Days a deleted secret can still be restored. @default 30 */
  readonly recoveryWindowDays?: number;
  /** Tags of the secret (e.g. what readiness finds it by). @default none */
  readonly tags?: Readonly<Record<string, string>>;
}

/** A secret without a value in Terraform; the deployer runs `aws secretsmanager put-secret-value`. */
export class DeployerSecret extends Construct {
  readonly secret: SecretsmanagerSecret;
  /** The secret's ARN for IAM policies, known at plan time: built from its name, with the `-??????` Secrets Manager appends (constructs/shared/arn.ts). */
  readonly policyArn: string;

  constructor(scope: Construct, id: string, props: DeployerSecretProps) {
    super(scope, id);
    const recoveryWindowDays = props.recoveryWindowDays ?? 30;
    this.policyArn = secretArn(props.encryptionKey, props.name);
    this.secret = new SecretsmanagerSecret(this, 'secret', {
      name: props.name,
      description: props.description,
      kmsKeyId: props.encryptionKey.arn,
      recoveryWindowInDays: recoveryWindowDays,
      ...(props.tags ? { tags: { ...props.tags } } : {}),
    });
  }
}
