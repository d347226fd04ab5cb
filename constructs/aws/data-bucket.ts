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

/**
 * When objects move to cheaper storage classes, and when they expire. Every step is optional and
 * they apply in S3's order (Standard-IA, Intelligent-Tiering, Glacier Instant Retrieval, Glacier
 * Flexible Retrieval). Only Glacier Flexible Retrieval makes reads fail (`InvalidObjectState`
 * until the object is restored): keep it for data nobody reads in place, such as logs.
 */
export interface DataBucketTiering {
  /** Days after creation objects move to STANDARD_IA (30 at the earliest). @default none: no Standard-IA step */
  readonly infrequentAccessAfterDays?: number;
  /**
   * Days after creation objects move to INTELLIGENT_TIERING, which moves each object between
   * access tiers by its own reads, every tier readable at once (archive tiers are not enabled).
   * @default none: no Intelligent-Tiering step
   */
  readonly intelligentTieringAfterDays?: number;
  /** Days after creation objects move to GLACIER_IR (Glacier Instant Retrieval: millisecond reads, 90-day minimum). @default none */
  readonly instantRetrievalAfterDays?: number;
  /** Days after creation objects move to GLACIER (Flexible Retrieval: reads fail until restored). @default none */
  readonly glacierAfterDays?: number;
  /** Days after creation objects expire (become noncurrent versions). @default none: kept */
  readonly expireAfterDays?: number;
}

/** The transitions of a tiering, in S3's lifecycle order, and the days each needs after the one before. */
const TIERS: ReadonlyArray<{ field: keyof DataBucketTiering; storageClass: string; minimumDays: number; daysAfterPrevious: number }> = [
  { field: 'infrequentAccessAfterDays', storageClass: 'STANDARD_IA', minimumDays: 30, daysAfterPrevious: 0 },
  { field: 'intelligentTieringAfterDays', storageClass: 'INTELLIGENT_TIERING', minimumDays: 0, daysAfterPrevious: 30 },
  { field: 'instantRetrievalAfterDays', storageClass: 'GLACIER_IR', minimumDays: 0, daysAfterPrevious: 30 },
  { field: 'glacierAfterDays', storageClass: 'GLACIER', minimumDays: 0, daysAfterPrevious: 30 },
];

/** Problems of a tiering: each step a whole number of days, after the step before it by S3's minimum, expiry last. */
function tieringProblems(tiering: DataBucketTiering | undefined): Array<{ failed: boolean; message: string }> {
  if (tiering === undefined) return [];
  const problems: Array<{ failed: boolean; message: string }> = [];
  let previous: { field: string; days: number } | undefined;
  for (const tier of TIERS) {
    const days = tiering[tier.field];
    if (days === undefined) continue;
    const after = previous === undefined ? tier.minimumDays : Math.max(tier.minimumDays, previous.days + tier.daysAfterPrevious);
    problems.push({
      failed: !Number.isInteger(days) || days < after,
      message:
        previous === undefined
          ? `tiering.${tier.field}: S3 moves objects to ${tier.storageClass} after ${after} days at the earliest, got ${days}`
          : `tiering.${tier.field}: must be at least ${after} days (${tier.daysAfterPrevious} after ${previous.field}, ${previous.days}), got ${days}`,
    });
    previous = { field: tier.field, days };
  }
  const expire = tiering.expireAfterDays;
  if (expire !== undefined) {
    problems.push({
      failed: !Number.isInteger(expire) || expire < 1 || (previous !== undefined && expire <= previous.days),
      message: `tiering.expireAfterDays: must be a whole number of days${previous ? ` after ${previous.field} (${previous.days})` : ' of 1 or more'}, got ${expire}`,
    });
  }
  return problems;
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
  /** Tags of the bucket, beside the provider's default tags (a backup selection tag, for example). @default none */
  readonly tags?: Readonly<Record<string, string>>;
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
      ...tieringProblems(props.tiering),
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
    this.bucket = preventDestroy(new S3Bucket(this, 'bucket', { bucket: this.bucketName, forceDestroy: false, tags: props.tags && { ...props.tags } }));
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
    const tiering = props.tiering;
    if (tiering !== undefined) {
      const transitions = TIERS.flatMap((tier) => {
        const days = tiering[tier.field];
        return days === undefined ? [] : [{ days, storageClass: tier.storageClass }];
      });
      rules.push({
        id: 'tiering',
        status: 'Enabled',
        filter: everyObject,
        transition: transitions.length === 0 ? undefined : transitions,
        expiration: tiering.expireAfterDays === undefined ? undefined : [{ days: tiering.expireAfterDays }],
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
