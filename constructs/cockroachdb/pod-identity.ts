import { Construct } from 'constructs';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { EksCluster } from '../aws/eks-cluster';
import { EncryptionKey } from '../aws/encryption-key';
import { serviceTrustPolicy } from '../aws/iam';
import { uniqueResourceName } from '../shared/protection';

/** A region's CA secrets, by name (the ARN carries a random suffix Secrets Manager adds). */
export interface CaSecretRef {
  readonly region: string;
  readonly certificate: string;
  readonly key: string;
}

/** Props of a CockroachPodIdentity. */
export interface CockroachPodIdentityProps {
  readonly cluster: EksCluster;
  /** Prefix of the role names, `<env>-<region>`. */
  readonly namePrefix: string;
  /** The region's key: it encrypts this region's CA secrets and backup bucket. */
  readonly encryptionKey: EncryptionKey;
  readonly namespace: string;
  /** Service account of the database pods and the init Job. */
  readonly serviceAccount: string;
  /** This region's CA secrets, which the pods read. */
  readonly caSecrets: CaSecretRef;
  /** Every region's backup bucket name: a locality-aware backup's coordinator writes metadata to the first, each node to its own region's. */
  readonly backupBuckets: ReadonlyArray<{ readonly region: string; readonly bucket: string }>;
  /**
   * The CA bootstrap Job's service account: it fills this region's CA secrets (`caSecrets`) and,
   * in a later region, reads the first region's (`copyFrom`) to copy them.
   * @default none: this region never writes a CA
   */
  readonly caWriter?: { readonly serviceAccount: string; readonly copyFrom?: CaSecretRef };
  /**
   * Service account of the Job that signs the services' client certificates with this region's
   * CA (read only). @default none: no client certificates are signed in this region
   */
  readonly clientCertificates?: { readonly serviceAccount: string };
}

/**
 * EKS Pod Identity for CockroachDB: what its pods may do in AWS, and nothing else. The database
 * pods read their region's CA and read and write backups (`AUTH=implicit`); a second role lets
 * only the region's CA bootstrap Job write its region's CA secrets (and, in a later region, read
 * the first region's, which it copies). Secrets and buckets are
 * named, not wildcarded; KMS use is bound to the service that asks for it.
 */
export class CockroachPodIdentity extends Construct {
  readonly role: IamRole;
  readonly association: EksPodIdentityAssociation;
  readonly caWriterRole?: IamRole;
  readonly caWriterAssociation?: EksPodIdentityAssociation;
  readonly clientCertificatesRole?: IamRole;

  constructor(scope: Construct, id: string, props: CockroachPodIdentityProps) {
    super(scope, id);
    const { partition, accountId } = props.encryptionKey;
    // Secrets Manager appends `-` and six random characters to a secret's ARN.
    const secretArn = (region: string, name: string) => `arn:${partition}:secretsmanager:${region}:${accountId}:secret:${name}-??????`;
    const bucketArn = (bucket: string) => `arn:${partition}:s3:::${bucket}`;
    const kmsVia = (service: string, regions: readonly string[], actions: string[], sid: string) => ({
      Sid: sid,
      Effect: 'Allow',
      Action: actions,
      Resource: regions.map((region) => `arn:${partition}:kms:${region}:${accountId}:key/*`),
      Condition: { StringEquals: { 'kms:ViaService': regions.map((region) => `${service}.${region}.amazonaws.com`) } },
    });
    const buckets = props.backupBuckets;

    const { role, association } = this.podRole(props, 'cockroachdb', props.serviceAccount, [
      {
        Sid: 'ReadRegionCa',
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: [props.caSecrets.certificate, props.caSecrets.key].map((n) => secretArn(props.caSecrets.region, n)),
      },
      { Sid: 'ListBackups', Effect: 'Allow', Action: 's3:ListBucket', Resource: buckets.map((b) => bucketArn(b.bucket)) },
      { Sid: 'ReadWriteBackups', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: buckets.map((b) => `${bucketArn(b.bucket)}/*`) },
      kmsVia('secretsmanager', [props.caSecrets.region], ['kms:Decrypt'], 'DecryptCa'),
      kmsVia(
        's3',
        buckets.map((b) => b.region),
        ['kms:Decrypt', 'kms:GenerateDataKey'],
        'EncryptBackups',
      ),
    ]);
    this.role = role;
    this.association = association;

    if (props.clientCertificates) {
      this.clientCertificatesRole = this.podRole(props, 'cockroachdb-client-certs', props.clientCertificates.serviceAccount, [
        {
          Sid: 'ReadRegionCa',
          Effect: 'Allow',
          Action: 'secretsmanager:GetSecretValue',
          Resource: [props.caSecrets.certificate, props.caSecrets.key].map((n) => secretArn(props.caSecrets.region, n)),
        },
        kmsVia('secretsmanager', [props.caSecrets.region], ['kms:Decrypt'], 'DecryptCa'),
      ]).role;
    }
    if (props.caWriter) {
      const own = props.caSecrets;
      const source = props.caWriter.copyFrom;
      const writer = this.podRole(props, 'cockroachdb-ca-writer', props.caWriter.serviceAccount, [
        {
          Sid: 'FillCaSecrets',
          Effect: 'Allow',
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
          Resource: [secretArn(own.region, own.certificate), secretArn(own.region, own.key)],
        },
        kmsVia('secretsmanager', [own.region], ['kms:Decrypt', 'kms:GenerateDataKey'], 'EncryptCa'),
        ...(source
          ? [
              {
                Sid: 'ReadFirstRegionCa',
                Effect: 'Allow',
                Action: 'secretsmanager:GetSecretValue',
                Resource: [secretArn(source.region, source.certificate), secretArn(source.region, source.key)],
              },
              kmsVia('secretsmanager', [source.region], ['kms:Decrypt'], 'DecryptFirstRegionCa'),
            ]
          : []),
      ]);
      this.caWriterRole = writer.role;
      this.caWriterAssociation = writer.association;
    }
  }

  /** A role only EKS Pod Identity can assume, its inline policy, and its association with `serviceAccount`. */
  private podRole(
    props: CockroachPodIdentityProps,
    name: string,
    serviceAccount: string,
    statements: object[],
  ): { role: IamRole; association: EksPodIdentityAssociation } {
    const id = name === 'cockroachdb' ? '' : `${name.replace(/^cockroachdb-/, '')}-`;
    const role = new IamRole(this, `${id}role`, {
      name: uniqueResourceName(props.namePrefix, name, 64),
      assumeRolePolicy: serviceTrustPolicy('pods.eks.amazonaws.com', ['sts:TagSession']),
    });
    new IamRolePolicy(this, `${id}policy`, { role: role.name, name, policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) });
    const association = new EksPodIdentityAssociation(this, `${id}association`, {
      clusterName: props.cluster.cluster.name,
      namespace: props.namespace,
      serviceAccount,
      roleArn: role.arn,
    });
    return { role, association };
  }
}
