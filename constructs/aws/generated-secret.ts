import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { EncryptionKey } from './encryption-key';

/** Props of a GeneratedSecret. */
export interface GeneratedSecretProps {
  /** Secrets Manager name, e.g. `acme-prod/us-east-1/redis-auth`. */
  readonly name: string;
  readonly description: string;
  /** Key the secret is encrypted with. */
  readonly encryptionKey: EncryptionKey;
  /** Days a deleted secret can still be restored. @default 30 */
  readonly recoveryWindowDays?: number;
}

/**
 * A credential generated at apply time and kept in Secrets Manager.
 *
 * The value is `uuid()` without dashes: 122 random bits from Terraform's crypto-random
 * UUIDv4, generated once (later plans ignore the changing expression). This keeps the
 * stack on the AWS provider alone, so it plans offline; the `random` provider is not in
 * the machine's mirror. Nothing secret appears in the synthesized JSON.
 */
export class GeneratedSecret extends Construct {
  readonly secret: SecretsmanagerSecret;
  readonly version: SecretsmanagerSecretVersion;
  /** The generated value, as a reference for arguments such as `auth_token`. Sensitive in state. */
  readonly value: string;

  constructor(scope: Construct, id: string, props: GeneratedSecretProps) {
    super(scope, id);
    const recoveryWindowDays = props.recoveryWindowDays ?? 30;

    this.secret = new SecretsmanagerSecret(this, 'secret', {
      name: props.name,
      description: props.description,
      kmsKeyId: props.encryptionKey.arn,
      recoveryWindowInDays: recoveryWindowDays,
    });
    this.version = new SecretsmanagerSecretVersion(this, 'value', {
      secretId: this.secret.id,
      secretString: Fn.replace(Fn.uuid(), '-', ''),
      lifecycle: { ignoreChanges: ['secret_string'] },
    });
    this.value = this.version.secretString;
  }
}
