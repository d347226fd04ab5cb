/**
 * Environments for the scaling series, written as YAML so they go through the same schema,
 * cross-field rules and sizing as any environment file: the massive example at more regions,
 * and the hyperscale example (Postgres sharded over Aurora clusters) at more shards.
 */

/** Regions the massive series adds, in order; the first three are the example's. */
export const SERIES_REGIONS = ['us-east-1', 'eu-west-1', 'ap-northeast-1', 'us-west-2', 'eu-central-1', 'ap-southeast-1', 'sa-east-1', 'ap-south-1'] as const;

/** A point of a scaling series: the environment's YAML and what it scales. */
export interface ScalePoint {
  readonly series: 'regions' | 'shards';
  readonly size: number;
  readonly name: string;
  readonly yaml: string;
}

/** The massive example at `regions` regions (default VPC CIDRs, which never overlap). */
export function massiveAt(regions: number): ScalePoint {
  if (regions < 1 || regions > SERIES_REGIONS.length) throw new Error(`massiveAt: 1 to ${SERIES_REGIONS.length} regions; received ${regions}`);
  const name = `bench-massive-${regions}r`;
  const yaml = [
    `name: ${name}`,
    'stage: massive',
    `regions: [${SERIES_REGIONS.slice(0, regions).join(', ')}]`,
    'domain: acme-example.com',
    'workload:',
    '  mau: 120000000',
    '  hotRetentionDays: 2',
    'edge:',
    '  cloudflareAccountId: 023e105f4ecef8ad9ca31a8372d0c353',
    // What several regions and the edge Worker need; the same edge stack as before they were required.
    '  addons: [loadBalancing, workersPaid]',
    '',
  ].join('\n');
  return { series: 'regions', size: regions, name, yaml };
}

/** The hyperscale example with its Postgres data sharded over `shards` Aurora clusters. */
export function hyperscaleAt(shards: number): ScalePoint {
  const name = `bench-hyperscale-${shards}s`;
  const yaml = [
    `name: ${name}`,
    'stage: hyperscale',
    'regions: [us-east-1]',
    'domain: hyper.acme-example.com',
    'workload:',
    '  mau: 30000000',
    '  hotRetentionDays: 2',
    'database:',
    `  shards: ${shards}`,
    '',
  ].join('\n');
  return { series: 'shards', size: shards, name, yaml };
}
