import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { DataBucket, DataBucketProps } from '../../../constructs/aws/data-bucket';
import { buildKey } from '../../helpers/foundation';
import { resourcesOfType, synthAws } from '../../helpers/synth';

function bucket(overrides: Partial<DataBucketProps> = {}, extra?: (scope: Construct, bucket: DataBucket) => void) {
  return synthAws((scope) => {
    const encryptionKey = buildKey(scope);
    const data = new DataBucket(scope, 'data', { bucketName: 'acme-data', encryptionKey, ...overrides });
    extra?.(scope, data);
  });
}

function one(stack: ReturnType<typeof bucket>, type: string, bucketRef = 'data_bucket'): Record<string, any> {
  const found = resourcesOfType(stack, type).filter((r) => String(r.bucket).includes(bucketRef));
  expect(found).toHaveLength(1);
  return found[0];
}

/** The rendered policy of one bucket: a `jsonencode(...)` expression. */
function policyOf(stack: ReturnType<typeof bucket>, bucketRef = 'data_bucket'): string {
  return String(one(stack, 'aws_s3_bucket_policy', bucketRef).policy);
}

describe('DataBucket', () => {
  it('names the bucket as given, keeps it from destruction and never force-destroys it', () => {
    const [s3] = resourcesOfType(bucket(), 'aws_s3_bucket');
    expect(s3).toEqual({ bucket: 'acme-data', force_destroy: false, lifecycle: { prevent_destroy: true } });
  });

  it('appends a suffix such as the account ID, leaving room for its 12 digits', () => {
    const [s3] = resourcesOfType(bucket({ nameSuffix: '123456789012' }), 'aws_s3_bucket');
    expect(s3.bucket).toBe('acme-data-123456789012');
    expect(() => bucket({ bucketName: 'a'.repeat(51), nameSuffix: '123456789012' })).toThrow(
      `test/data: bucketName: "${'a'.repeat(51)}" leaves no room for the "-<account id>" suffix; use at most 50 characters`,
    );
  });

  it('builds its ARN from a literal name, and references the bucket when the name is known only after apply', () => {
    let literal = '';
    bucket({ nameSuffix: '123456789012' }, (_, b) => (literal = b.arn));
    expect(literal).toBe('arn:aws:s3:::acme-data-123456789012');
    const stack = bucket({}, (scope, b) => new TerraformOutput(scope, 'arn', { value: b.arn }));
    expect(stack.outputs.arn).toEqual({ value: 'arn:aws:s3:::acme-data' });
    const deferred = synthAws((scope) => {
      const key = buildKey(scope);
      const b = new DataBucket(scope, 'data', { bucketName: 'acme-data', encryptionKey: key, nameSuffix: key.accountId });
      new TerraformOutput(scope, 'arn', { value: b.arn });
    });
    expect(deferred.outputs.arn).toEqual({ value: expect.stringMatching(/^\$\{aws_s3_bucket\.data_bucket_[0-9A-F]{8}\.arn\}$/) });
  });

  it('blocks every kind of public access and disables ACLs', () => {
    const stack = bucket();
    expect(one(stack, 'aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(one(stack, 'aws_s3_bucket_ownership_controls').rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
  });

  it('encrypts with the KMS key and bucket keys by default', () => {
    const { rule } = one(bucket(), 'aws_s3_bucket_server_side_encryption_configuration');
    expect(rule).toEqual([
      {
        apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\.[\w-]+\.arn\}$/) },
        bucket_key_enabled: true,
      },
    ]);
  });

  it('encrypts with SSE-S3 for log buckets, without a key', () => {
    const stack = synthAws((scope) => new DataBucket(scope, 'data', { bucketName: 'acme-alb-logs', encryption: 's3' }));
    expect(one(stack, 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } },
    ]);
  });

  it('versions objects', () => {
    expect(one(bucket(), 'aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
  });

  it('refuses requests without TLS', () => {
    const policy = policyOf(bucket());
    expect(policy).toContain('"Sid" = "DenyInsecureTransport", "Effect" = "Deny", "Principal" = "*", "Action" = "s3:*"');
    expect(policy).toContain('"Condition" = {"Bool" = {"aws:SecureTransport" = "false"}}');
  });

  it('renders statements added after construction into the one policy', () => {
    const stack = bucket({}, (_scope, data) =>
      data.addPolicyStatement({
        Sid: 'ReadersRead',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::123456789012:role/reader' },
        Action: 's3:GetObject',
        Resource: `${data.arn}/*`,
      }),
    );
    expect(resourcesOfType(stack, 'aws_s3_bucket_policy')).toHaveLength(1);
    const policy = policyOf(stack);
    expect(policy.indexOf('"Sid" = "DenyInsecureTransport"')).toBeLessThan(policy.indexOf('"Sid" = "ReadersRead"'));
    expect(policy).toContain('"Principal" = {"AWS" = "arn:aws:iam::123456789012:role/reader"}');
  });

  it('always aborts incomplete uploads after 7 days and expires noncurrent versions', () => {
    const rules: Array<Record<string, any>> = one(bucket({ noncurrentVersionExpirationDays: 30 }), 'aws_s3_bucket_lifecycle_configuration').rule;
    expect(rules.map((r) => r.id)).toEqual(['abort-incomplete-uploads', 'expire-noncurrent-versions']);
    expect(rules.every((r) => r.status === 'Enabled')).toBe(true);
    expect(rules[0].abort_incomplete_multipart_upload).toEqual([{ days_after_initiation: 7 }]);
    expect(rules[1].noncurrent_version_expiration).toEqual([{ noncurrent_days: 30 }]);
  });

  it('tiers only through the steps asked for, in S3 order, expiring only when asked', () => {
    const tiered = (tiering: DataBucketProps['tiering']) =>
      (one(bucket({ tiering }), 'aws_s3_bucket_lifecycle_configuration').rule as Array<Record<string, any>>).find((r) => r.id === 'tiering');
    // No step asked for: no transition at all, so nothing leaves S3 Standard behind the caller's back.
    expect(tiered({})?.transition).toBeUndefined();
    expect(tiered({})?.expiration).toBeUndefined();
    // The assets bucket's tiering: every object readable at once, whatever its age.
    expect(tiered({ intelligentTieringAfterDays: 0 })).toMatchObject({ transition: [{ days: 0, storage_class: 'INTELLIGENT_TIERING' }] });
    expect(tiered({ infrequentAccessAfterDays: 30, instantRetrievalAfterDays: 90 })?.transition).toEqual([
      { days: 30, storage_class: 'STANDARD_IA' },
      { days: 90, storage_class: 'GLACIER_IR' },
    ]);
    expect(tiered({ infrequentAccessAfterDays: 60, glacierAfterDays: 180, expireAfterDays: 730 })).toMatchObject({
      transition: [
        { days: 60, storage_class: 'STANDARD_IA' },
        { days: 180, storage_class: 'GLACIER' },
      ],
      expiration: [{ days: 730 }],
    });
    expect(tiered({ expireAfterDays: 15 })).toMatchObject({ expiration: [{ days: 15 }] });
  });

  it('logs access to an SSE-S3 bucket whose policy lets the log delivery service write', () => {
    const stack = synthAws((scope) => {
      const encryptionKey = buildKey(scope);
      const logs = new DataBucket(scope, 'logs', { bucketName: 'acme-access-logs', encryption: 's3' });
      new DataBucket(scope, 'data', { bucketName: 'acme-data', encryptionKey, accessLogBucket: logs });
    });
    const [logging] = resourcesOfType(stack, 'aws_s3_bucket_logging');
    expect(logging).toMatchObject({ target_prefix: 'acme-data/' });
    expect(String(logging.bucket)).toContain('aws_s3_bucket.data_bucket');
    expect(String(logging.target_bucket)).toContain('aws_s3_bucket.logs_bucket');
    const logsPolicy = policyOf(stack, 'logs_bucket');
    expect(logsPolicy).toContain('"Principal" = {"Service" = "logging.s3.amazonaws.com"}, "Action" = "s3:PutObject"');
    // Literal ARNs: the bucket names are literals, so the policy is known at plan time.
    expect(logsPolicy).toContain('"Resource" = "arn:aws:s3:::acme-access-logs/acme-data/*"');
    expect(logsPolicy).toContain('"aws:SourceArn" = "arn:aws:s3:::acme-data"');
    expect(resourcesOfType(stack, 'aws_s3_bucket_logging')).toHaveLength(1);
  });

  it('refuses a KMS bucket without a key, and access logs to a KMS bucket', () => {
    expect(() => synthAws((scope) => new DataBucket(scope, 'data', { bucketName: 'acme-data' }))).toThrow(
      'test/data: encryptionKey: required when encryption is "kms"; pass a key or use encryption "s3"',
    );
    expect(() =>
      synthAws((scope) => {
        const encryptionKey = buildKey(scope);
        const logs = new DataBucket(scope, 'logs', { bucketName: 'acme-access-logs', encryptionKey });
        new DataBucket(scope, 'data', { bucketName: 'acme-data', encryptionKey, accessLogBucket: logs });
      }),
    ).toThrow('test/data: accessLogBucket: "acme-access-logs" uses SSE-KMS; S3 delivers server access logs only to buckets with encryption "s3"');
  });

  it('reports every invalid prop at once', () => {
    expect(() =>
      bucket({
        bucketName: 'Acme_Data',
        tiering: { infrequentAccessAfterDays: 7, glacierAfterDays: 20, expireAfterDays: 10 },
        noncurrentVersionExpirationDays: 0,
      }),
    ).toThrow(
      [
        'test/data: bucketName: "Acme_Data" is not an S3 bucket name (3–63 lowercase letters, digits, dots and hyphens)',
        'test/data: tiering.infrequentAccessAfterDays: S3 moves objects to STANDARD_IA after 30 days at the earliest, got 7',
        'test/data: tiering.glacierAfterDays: must be at least 37 days (30 after infrequentAccessAfterDays, 7), got 20',
        'test/data: tiering.expireAfterDays: must be a whole number of days after glacierAfterDays (20), got 10',
        'test/data: noncurrentVersionExpirationDays: must be a whole number of 1 or more, got 0',
      ].join('\n'),
    );
  });
});
