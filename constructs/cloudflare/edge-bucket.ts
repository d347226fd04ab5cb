import { Construct } from 'constructs';
import { R2Bucket } from '@cdktf/provider-cloudflare/lib/r2-bucket';
import { R2BucketLifecycle, R2BucketLifecycleRules } from '@cdktf/provider-cloudflare/lib/r2-bucket-lifecycle';
import { R2CustomDomain } from '@cdktf/provider-cloudflare/lib/r2-custom-domain';
import { preventDestroy } from '../shared/protection';
import { checkProps } from '../shared/validation';
import { EdgeZone } from './edge-zone';

/** R2 location hints. */
export type R2Location = 'apac' | 'eeur' | 'enam' | 'weur' | 'wnam' | 'oc';

/** Props of EdgeBucket. */
export interface EdgeBucketProps {
  readonly zone: EdgeZone;
  /** Bucket name: 3–63 lowercase letters, digits and dashes. */
  readonly bucketName: string;
  /** Where R2 keeps the data. @default none: R2 places it near the first writer */
  readonly location?: R2Location;
  /** Incomplete multipart uploads are aborted after this many days. @default 7 */
  readonly abortMultipartUploadsAfterDays?: number;
  /** Objects move to Infrequent Access this many days after upload. @default never */
  readonly infrequentAccessAfterDays?: number;
  /** Objects are deleted this many days after upload. @default never */
  readonly deleteAfterDays?: number;
  /** Public hostname in the zone that serves the bucket (through the CDN). @default none: the bucket is private */
  readonly publicHostname?: string;
}

const SECONDS_PER_DAY = 86_400;
const BUCKET_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/**
 * An R2 bucket with lifecycle rules (abort stale uploads; optional tiering to Infrequent
 * Access and expiry) and, optionally, a custom domain in the zone with TLS 1.2 minimum.
 * The bucket is stateful, so it is marked prevent_destroy.
 */
export class EdgeBucket extends Construct {
  readonly bucket: R2Bucket;
  readonly lifecycle: R2BucketLifecycle;
  readonly customDomain?: R2CustomDomain;

  constructor(scope: Construct, id: string, props: EdgeBucketProps) {
    super(scope, id);
    const abortAfterDays = props.abortMultipartUploadsAfterDays ?? 7;
    const { infrequentAccessAfterDays, deleteAfterDays } = props;
    const wholeDays = (value: number | undefined) => value === undefined || (Number.isInteger(value) && value >= 1);
    checkProps(this, [
      { failed: !BUCKET_NAME_PATTERN.test(props.bucketName), message: `bucketName: "${props.bucketName}" must be 3-63 lowercase letters, digits and dashes` },
      { failed: !wholeDays(abortAfterDays), message: `abortMultipartUploadsAfterDays: must be a whole number of days ≥ 1; received ${abortAfterDays}` },
      {
        failed: !wholeDays(infrequentAccessAfterDays),
        message: `infrequentAccessAfterDays: must be a whole number of days ≥ 1; received ${infrequentAccessAfterDays}`,
      },
      { failed: !wholeDays(deleteAfterDays), message: `deleteAfterDays: must be a whole number of days ≥ 1; received ${deleteAfterDays}` },
      {
        failed: infrequentAccessAfterDays !== undefined && deleteAfterDays !== undefined && deleteAfterDays <= infrequentAccessAfterDays,
        message: `deleteAfterDays: must come after infrequentAccessAfterDays (${infrequentAccessAfterDays}); received ${deleteAfterDays}`,
      },
    ]);

    this.bucket = preventDestroy(
      new R2Bucket(this, 'bucket', {
        accountId: props.zone.accountId,
        name: props.bucketName,
        storageClass: 'Standard',
        ...(props.location ? { location: props.location } : {}),
      }),
    );
    const age = (days: number) => ({ type: 'Age', maxAge: days * SECONDS_PER_DAY });
    const rules: R2BucketLifecycleRules[] = [
      { id: 'abort-incomplete-uploads', enabled: true, conditions: { prefix: '' }, abortMultipartUploadsTransition: { condition: age(abortAfterDays) } },
    ];
    if (infrequentAccessAfterDays !== undefined || deleteAfterDays !== undefined) {
      rules.push({
        id: 'tiering',
        enabled: true,
        conditions: { prefix: '' },
        ...(infrequentAccessAfterDays !== undefined
          ? { storageClassTransitions: [{ storageClass: 'InfrequentAccess', condition: age(infrequentAccessAfterDays) }] }
          : {}),
        ...(deleteAfterDays !== undefined ? { deleteObjectsTransition: { condition: age(deleteAfterDays) } } : {}),
      });
    }
    this.lifecycle = new R2BucketLifecycle(this, 'lifecycle', { accountId: props.zone.accountId, bucketName: this.bucket.name, rules });
    if (props.publicHostname) {
      this.customDomain = new R2CustomDomain(this, 'domain', {
        accountId: props.zone.accountId,
        zoneId: props.zone.zoneId,
        bucketName: this.bucket.name,
        domain: props.publicHostname,
        enabled: true,
        minTls: '1.2',
      });
    }
  }
}
