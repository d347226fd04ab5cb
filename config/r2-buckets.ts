/**
 * Who writes the edge stack's R2 buckets, and with what (issue 15): from traction on the edge
 * stack serves the assets bucket `<env>-assets` at the assets host, and from hyperscale keeps the
 * message archive `<env>-archive`. Services write them through R2's S3-compatible API with one
 * bucket-scoped R2 API token per region that the operator makes in the Cloudflare dashboard
 * (Terraform never holds it: a token resource would keep its value in the state). The token is
 * the application secret `R2_WRITER` (JSON `{endpoint, accessKeyId, secretAccessKey}`), delivered
 * like the services' own secrets, and the buckets are named by `ASSETS_R2_BUCKET` and
 * `ARCHIVE_R2_BUCKET`. The rule: a service that declares `objectStorage` writes the assets
 * bucket; one with `archive: true` writes the archive bucket (docs/edge.md).
 */
import { ServiceDefinition } from './service-definition';
import { isAtLeast, Stage } from './stages';

/** The application secret name of the R2 writer credential, in every service that writes R2. */
export const R2_WRITER_SECRET = 'R2_WRITER';
/** The tag that marks the region's R2 writer credential secret; the request-path check finds it by this tag. */
export const R2_WRITER_TAG = 'stagecraft:r2-writer';
/** The variables that name each bucket to the services that write it. */
export const R2_BUCKET_ENV = { assets: 'ASSETS_R2_BUCKET', archive: 'ARCHIVE_R2_BUCKET' } as const;
/** The first stage with each bucket. */
export const R2_BUCKET_STAGES: Readonly<Record<keyof typeof R2_BUCKET_ENV, Stage>> = { assets: 'traction', archive: 'hyperscale' };

/** The edge stack's R2 bucket names of an environment, by bucket; absent where its stage has none. */
export function r2Buckets(environment: { readonly name: string; readonly stage: Stage }): { assets?: string; archive?: string } {
  return {
    ...(isAtLeast(environment.stage, R2_BUCKET_STAGES.assets) ? { assets: `${environment.name}-assets` } : {}),
    ...(isAtLeast(environment.stage, R2_BUCKET_STAGES.archive) ? { archive: `${environment.name}-archive` } : {}),
  };
}

/** The bucket variables of `service` (variable → bucket name); empty when it writes no R2 bucket. */
export function r2BucketEnv(environment: { readonly name: string; readonly stage: Stage }, service: ServiceDefinition): Record<string, string> {
  const buckets = r2Buckets(environment);
  return {
    ...(buckets.assets && service.dataStores.includes('objectStorage') ? { [R2_BUCKET_ENV.assets]: buckets.assets } : {}),
    ...(buckets.archive && service.archive ? { [R2_BUCKET_ENV.archive]: buckets.archive } : {}),
  };
}

/** Whether `service` writes an R2 bucket, so it receives the R2 writer credential. */
export function writesR2(environment: { readonly name: string; readonly stage: Stage }, service: ServiceDefinition): boolean {
  return Object.keys(r2BucketEnv(environment, service)).length > 0;
}

/**
 * `service` as the hosts and the cluster run it: with the R2 writer credential among its secrets
 * and the bucket variables in its environment, where it writes R2; unchanged otherwise.
 */
export function withR2Writer(environment: { readonly name: string; readonly stage: Stage }, service: ServiceDefinition): ServiceDefinition {
  const env = r2BucketEnv(environment, service);
  if (Object.keys(env).length === 0) return service;
  return { ...service, secrets: [...service.secrets, R2_WRITER_SECRET], env: { ...service.env, ...env } };
}
