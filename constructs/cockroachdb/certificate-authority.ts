import { Construct } from 'constructs';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { EncryptionKey } from '../aws/encryption-key';
import { preventDestroy } from '../shared/protection';

/** Props of a CockroachCertificateAuthority. */
export interface CockroachCertificateAuthorityProps {
  /** Secrets Manager names of the CA certificate and private key. */
  readonly secretNames: { readonly certificate: string; readonly key: string };
  /** Key the secrets are encrypted with: the region's own. */
  readonly encryptionKey: EncryptionKey;
  /** Days a deleted secret can still be restored. @default 30 */
  readonly recoveryWindowDays?: number;
}

/**
 * A region's copy of the CockroachDB cluster CA: two empty secrets. The value is written once,
 * inside the cluster, by the first region's CA bootstrap Job; Terraform creates no version, so
 * no key material ever reaches its JSON or state. Kept from deletion: without the CA no
 * replacement node can get a certificate the others trust.
 */
export class CockroachCertificateAuthority extends Construct {
  readonly certificate: SecretsmanagerSecret;
  readonly key: SecretsmanagerSecret;

  constructor(scope: Construct, id: string, props: CockroachCertificateAuthorityProps) {
    super(scope, id);
    const recoveryWindowDays = props.recoveryWindowDays ?? 30;
    const secret = (secretId: string, name: string, what: string) =>
      preventDestroy(
        new SecretsmanagerSecret(this, secretId, {
          name,
          description: `CockroachDB cluster CA ${what}; written by the CA bootstrap Job, never by Terraform`,
          kmsKeyId: props.encryptionKey.arn,
          recoveryWindowInDays: recoveryWindowDays,
        }),
      );
    this.certificate = secret('certificate', props.secretNames.certificate, 'certificate');
    this.key = secret('key', props.secretNames.key, 'private key');
  }
}
