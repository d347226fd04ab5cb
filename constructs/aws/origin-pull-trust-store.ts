/**
 * The ALB's mTLS trust store: the CA of the zone's authenticated-origin-pull client certificate
 * (public), so the HTTPS listener in `verify` mode accepts only connections from this zone's
 * Cloudflare (docs/origin-trust.md). Only the public certificate is in Terraform; the client
 * certificate's key was uploaded to Cloudflare by the deployer and is nowhere else.
 */
import { Construct } from 'constructs';
import { LbTrustStore } from '@cdktf/provider-aws/lib/lb-trust-store';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { DataBucket } from './data-bucket';

/** Props of an OriginPullTrustStore. */
export interface OriginPullTrustStoreProps {
  /** Trust store name (at most 32 characters, like the ALB's). */
  readonly name: string;
  /** PEM of the origin-pull CA. */
  readonly caPem: string;
  /**
   * Bucket the CA bundle is read from when the trust store is created or changed. The trust store
   * keeps its own copy; if a lifecycle rule expires the object, the next apply writes it again.
   */
  readonly bucket: DataBucket;
  /** Key of the CA bundle. @default "origin-pull/ca.pem" */
  readonly key?: string;
}

export class OriginPullTrustStore extends Construct {
  readonly bundle: S3Object;
  readonly trustStore: LbTrustStore;

  constructor(scope: Construct, id: string, props: OriginPullTrustStoreProps) {
    super(scope, id);
    const key = props.key ?? 'origin-pull/ca.pem';
    this.bundle = new S3Object(this, 'bundle', {
      bucket: props.bucket.bucket.bucket,
      key,
      content: props.caPem,
      contentType: 'application/x-pem-file',
    });
    this.trustStore = new LbTrustStore(this, 'trust-store', {
      name: props.name,
      caCertificatesBundleS3Bucket: this.bundle.bucket,
      caCertificatesBundleS3Key: this.bundle.key,
    });
  }
}
