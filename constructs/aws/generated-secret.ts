import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { secretArn } from '../shared/arn';
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
  /**
   * Whether the value is also readable in Terraform (`value`), for an argument that has no
   * write-only form (Amazon MQ users' `password`). It then sits in state in plain text, so only
   * set it where AWS leaves no other way, and suppress GeneratedSecretNotInState with the reason.
   * @default false: the value is written through the write-only `secret_string_wo` and never stored
   */
  readonly readableInTerraform?: boolean;
  /**
   * Regions Secrets Manager keeps a read-only replica in (same name and value), each encrypted
   * with a key of its own region (`alias/<name>` works): a standby region reads the value the
   * primary region's Job set. @default none
   */
  readonly replicaRegions?: ReadonlyArray<{ readonly region: string; readonly kmsKeyId: string }>;
  /**
   * The write-only value's version (`secret_string_wo_version`): raising it makes Terraform
   * generate and write a new value, which is how the value is rotated. Only with the write-only
   * form. @default 1
   */
  readonly valueVersion?: number;
  /**
   * The write-only value, when another write-only argument must receive the same one (an Aurora
   * global database's master password, `master_password_wo`): an expression over a local that
   * holds the generated value, which Terraform evaluates once per apply. Only with the write-only
   * form. @default a fresh `replace(uuid(), "-", "")`
   */
  readonly valueExpression?: string;
}

/**
 * A credential generated at apply time and kept in Secrets Manager.
 *
 * The value is `uuid()` without dashes: 122 random bits from Terraform's crypto-random
 * UUIDv4, generated once. By default it goes through the write-only argument
 * `secret_string_wo` (Terraform ≥ 1.11): Terraform sends it to Secrets Manager and keeps it in
 * neither plan nor state; `secret_string_wo_version` stays at `valueVersion` (1), so later plans
 * never write a new value until it is raised. Whoever needs it reads the secret at run time. This keeps the stack on the AWS provider
 * alone, so it plans offline: the `random` provider is not in the machine's mirror, and the AWS
 * provider's ephemeral `aws_secretsmanager_random_password` calls the API while planning.
 * Nothing secret appears in the synthesized JSON.
 */
export class GeneratedSecret extends Construct {
  readonly secret: SecretsmanagerSecret;
  /** The secret's ARN for IAM policies, known at plan time: built from its name, with the `-??????` Secrets Manager appends (constructs/shared/arn.ts). */
  readonly policyArn: string;
  readonly version: SecretsmanagerSecretVersion;
  /** Whether `value` may be read (`readableInTerraform`). */
  readonly readable: boolean;

  constructor(scope: Construct, id: string, props: GeneratedSecretProps) {
    super(scope, id);
    const recoveryWindowDays = props.recoveryWindowDays ?? 30;
    this.readable = props.readableInTerraform ?? false;
    const valueVersion = props.valueVersion ?? 1;
    if (!Number.isInteger(valueVersion) || valueVersion < 1)
      throw new Error(`${this.node.path}: valueVersion must be a whole number of at least 1; received ${valueVersion}`);
    if (this.readable && props.valueVersion !== undefined)
      throw new Error(`${this.node.path}: valueVersion applies to the write-only value only, not with readableInTerraform`);
    if (this.readable && props.valueExpression !== undefined)
      throw new Error(`${this.node.path}: valueExpression applies to the write-only value only, not with readableInTerraform`);

    this.policyArn = secretArn(props.encryptionKey, props.name);
    this.secret = new SecretsmanagerSecret(this, 'secret', {
      name: props.name,
      description: props.description,
      kmsKeyId: props.encryptionKey.arn,
      recoveryWindowInDays: recoveryWindowDays,
      ...(props.replicaRegions && props.replicaRegions.length > 0
        ? { replica: props.replicaRegions.map((r) => ({ region: r.region, kmsKeyId: r.kmsKeyId })) }
        : {}),
    });
    const generated = props.valueExpression ?? Fn.replace(Fn.uuid(), '-', '');
    this.version = new SecretsmanagerSecretVersion(
      this,
      'value',
      this.readable
        ? { secretId: this.secret.id, secretString: generated, lifecycle: { ignoreChanges: ['secret_string'] } }
        : { secretId: this.secret.id, secretStringWo: generated, secretStringWoVersion: valueVersion },
    );
  }

  /** The generated value, as a reference for arguments such as a broker user's `password`. In state in plain text. */
  get value(): string {
    if (!this.readable) throw new Error(`${this.node.path}: the value is write-only; set readableInTerraform to read it in Terraform`);
    return this.version.secretString;
  }
}
