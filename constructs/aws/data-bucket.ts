import { Construct } from 'constructs';
import { Fn, Lazy, Token } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration, S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { EncryptionKey } from './encryption-key';
import { preventDestroy } from '../shared/protection';
import { suppress } from '../../policies/suppress';
import { checkProps } from '../shared/validation';
import { S3BucketKmsEncrypted } from '../../policies/rules/encryption-at-rest/S3BucketKmsEncrypted';

const S3_BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** When objects move to cheaper storage classes, and when they expire. */
export interface DataBucketTiering {
  /** Days after creation objects move to STANDARD_IA (30 at the earliest). @default 30 */
  readonly infrequentAccessAfterDays?: number;
  /** Days after creation objects move to GLACIER (Flexible Retrieval), 30 or more after STANDARD_IA. @default 90 */
  readonly glacierAfterDays?: number;
  /** Days after creation objects expire (become noncurrent versions). @default none: kept */
  readonly expireAfterDays?: number;
}

/** Props of a DataBucket. */
export interface DataBucketProps {
  /** Bucket name; S3 names are global, so the caller chooses it. */
  readonly bucketName: string;
  /**
   * Appended as `<bucketName>-<suffix>`, typically the account ID so the global S3 name
   * is unique; may be a token. @default none: the bucket is named `bucketName` exactly
   */
  readonly nameSuffix?: string;
  /**
   * Default encryption: `kms` with the key and S3 bucket keys, or `s3` (SSE-S3, AES256),
   * which ALB access logs and S3 server access logs require of their target. @default "kms"
   */
  readonly encryption?: 'kms' | 's3';
  /** Key for `kms` encryption; required with it. @default none */
  readonly encryptionKey?: EncryptionKey;
  /** Storage-class transitions and expiry. @default none: objects stay in S3 Standard */
  readonly tiering?: DataBucketTiering;
  /** Days an overwritten or deleted version is kept. @default 90 */
  readonly noncurrentVersionExpirationDays?: number;
  /** Bucket that receives this bucket's server access logs (must use `s3` encryption). @default none: no access logs */
  readonly accessLogBucket?: DataBucket;
}

/**
 * A private, versioned, encrypted S3 bucket: public access blocked, ACLs disabled, plain
 * HTTP refused by policy, incomplete uploads and old versions cleaned up. Its policy is
 * rendered once at synthesis, so other constructs can add statements with `addPolicyStatement`.
 */
export class DataBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly publicAccessBlock: S3BucketPublicAccessBlock;
  readonly ownershipControls: S3BucketOwnershipControls;
  readonly encryptionConfiguration: S3BucketServerSideEncryptionConfigurationA;
  readonly versioning: S3BucketVersioningA;
  readonly policy: S3BucketPolicy;
  readonly lifecycleConfiguration: S3BucketLifecycleConfiguration;
  /** Server access logging, when `accessLogBucket` is set. */
  readonly accessLogging?: S3BucketLoggingA;
  readonly bucketName: string;
  readonly arn: string;
  readonly encryption: 'kms' | 's3';

  private readonly statements: object[] = [];

  constructor(scope: Construct, id: string, props: DataBucketProps) {
    super(scope, id);
    const encryption = props.encryption ?? 'kms';
    const infrequentAccessAfterDays = props.tiering?.infrequentAccessAfterDays ?? 30;
    const glacierAfterDays = props.tiering?.glacierAfterDays ?? 90;
    const expireAfterDays = props.tiering?.expireAfterDays;
    const noncurrentVersionExpirationDays = props.noncurrentVersionExpirationDays ?? 90;
    const isDays = (n: number) => Number.isInteger(n) && n >= 1;

    checkProps(this, [
      {
        failed: !S3_BUCKET_NAME.test(props.bucketName) || props.bucketName.includes('..'),
        message: `bucketName: "${props.bucketName}" is not an S3 bucket name (3–63 lowercase letters, digits, dots and hyphens)`,
      },
      {
        // An account ID is 12 digits: the name plus "-" and the suffix must stay within 63.
        failed: props.nameSuffix !== undefined && props.bucketName.length > 63 - 13,
        message: `bucketName: "${props.bucketName}" leaves no room for the "-<account id>" suffix; use at most 50 characters`,
      },
      {
        failed: encryption === 'kms' && props.encryptionKey === undefined,
        message: 'encryptionKey: required when encryption is "kms"; pass a key or use encryption "s3"',
      },
      {
        failed: props.tiering !== undefined && !(Number.isInteger(infrequentAccessAfterDays) && infrequentAccessAfterDays >= 30),
        message: `tiering.infrequentAccessAfterDays: S3 moves objects to STANDARD_IA after 30 days at the earliest, got ${infrequentAccessAfterDays}`,
      },
      {
        failed: props.tiering !== undefined && !(Number.isInteger(glacierAfterDays) && glacierAfterDays >= infrequentAccessAfterDays + 30),
        message: `tiering.glacierAfterDays: must be at least 30 days after infrequentAccessAfterDays (${infrequentAccessAfterDays}), got ${glacierAfterDays}`,
      },
      {
        failed: expireAfterDays !== undefined && !(Number.isInteger(expireAfterDays) && expireAfterDays > glacierAfterDays),
        message: `tiering.expireAfterDays: must be a whole number of days after glacierAfterDays (${glacierAfterDays}), got ${expireAfterDays}`,
      },
      {
        failed: !isDays(noncurrentVersionExpirationDays),
        message: `noncurrentVersionExpirationDays: must be a whole number of 1 or more, got ${noncurrentVersionExpirationDays}`,
      },
      {
        failed: props.accessLogBucket !== undefined && props.accessLogBucket.encryption !== 's3',
        message: `accessLogBucket: "${props.accessLogBucket?.bucketName}" uses SSE-KMS; S3 delivers server access logs only to buckets with encryption "s3"`,
      },
    ]);

    this.bucketName = props.nameSuffix === undefined ? props.bucketName : `${props.bucketName}-${props.nameSuffix}`;
    this.encryption = encryption;
    this.bucket = preventDestroy(new S3Bucket(this, 'bucket', { bucket: this.bucketName, forceDestroy: false }));
    // A literal when the name is one (the account ID given as input): policies naming the bucket
    // are then known at plan time. Stagecraft's regions are all in the `aws` partition.
    this.arn = Token.isUnresolved(this.bucketName) ? this.bucket.arn : `arn:aws:s3:::${this.bucketName}`;

    this.publicAccessBlock = new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    // ACLs off: the bucket owner owns every object, and access is decided by policy alone.
    this.ownershipControls = new S3BucketOwnershipControls(this, 'ownership', {
      bucket: this.bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    this.encryptionConfiguration = new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [
        encryption === 'kms'
          ? {
              applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.encryptionKey?.arn },
              // Bucket keys cut KMS requests, and their cost, by orders of magnitude.
              bucketKeyEnabled: true,
            }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
      ],
    });
    if (encryption === 's3') {
      suppress(
        this.bucket,
        S3BucketKmsEncrypted,
        'SSE-S3 on purpose: ALB access logs and S3 server access logs are delivered only to buckets encrypted with SSE-S3 (AES256)',
      );
    }
    this.versioning = new S3BucketVersioningA(this, 'versioning', {
      bucket: this.bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });

    this.addPolicyStatement({
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [this.arn, `${this.arn}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    this.policy = new S3BucketPolicy(this, 'policy', {
      bucket: this.bucket.id,
      // Rendered at synthesis, after every construct has added its statements.
      policy: Lazy.stringValue({ produce: () => Fn.jsonencode({ Version: '2012-10-17', Statement: this.statements }) }),
      dependsOn: [this.publicAccessBlock],
    });

    const everyObject = [{}];
    const rules: S3BucketLifecycleConfigurationRule[] = [
      { id: 'abort-incomplete-uploads', status: 'Enabled', filter: everyObject, abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }] },
      {
        id: 'expire-noncurrent-versions',
        status: 'Enabled',
        filter: everyObject,
        noncurrentVersionExpiration: [{ noncurrentDays: noncurrentVersionExpirationDays }],
        // A delete marker with no versions left behind it only slows listings.
        expiration: [{ expiredObjectDeleteMarker: true }],
      },
    ];
    if (props.tiering !== undefined) {
      rules.push({
        id: 'tiering',
        status: 'Enabled',
        filter: everyObject,
        transition: [
          { days: infrequentAccessAfterDays, storageClass: 'STANDARD_IA' },
          { days: glacierAfterDays, storageClass: 'GLACIER' },
        ],
        expiration: expireAfterDays === undefined ? undefined : [{ days: expireAfterDays }],
      });
    }
    this.lifecycleConfiguration = new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: rules,
      // Noncurrent-version rules need versioning in place first.
      dependsOn: [this.versioning],
    });

    if (props.accessLogBucket !== undefined) {
      const target = props.accessLogBucket;
      const prefix = `${props.bucketName}/`;
      // With ACLs disabled, the log delivery service writes by the target's bucket policy.
      target.addPolicyStatement({
        Sid: `ServerAccessLogsFrom${props.bucketName.replace(/[^a-zA-Z0-9]/g, '')}`,
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: `${target.arn}/${prefix}*`,
        Condition: { ArnLike: { 'aws:SourceArn': this.arn } },
      });
      this.accessLogging = new S3BucketLoggingA(this, 'access-logging', {
        bucket: this.bucket.id,
        targetBucket: target.bucket.id,
        targetPrefix: prefix,
      });
    }
  }

  /** Adds an IAM policy statement to the bucket policy (`{ Sid, Effect, Principal, Action, Resource, … }`). */
  addPolicyStatement(statement: object): void {
    this.statements.push(statement);
  }
}
