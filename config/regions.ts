/**
 * Static facts about AWS regions, so synthesis needs no API call.
 *
 * Availability zones are given as zone IDs (use1-az1), not names (us-east-1a):
 * names are shuffled per account, IDs are the same everywhere.
 */

/** Zone IDs per region, in the order subnets are spread over them. */
export const AVAILABILITY_ZONE_IDS: Readonly<Record<string, readonly string[]>> = {
  'us-east-1': ['use1-az1', 'use1-az2', 'use1-az4', 'use1-az5', 'use1-az6'],
  'us-east-2': ['use2-az1', 'use2-az2', 'use2-az3'],
  'us-west-1': ['usw1-az1', 'usw1-az3'],
  'us-west-2': ['usw2-az1', 'usw2-az2', 'usw2-az3', 'usw2-az4'],
  'ca-central-1': ['cac1-az1', 'cac1-az2', 'cac1-az4'],
  'ca-west-1': ['caw1-az1', 'caw1-az2', 'caw1-az3'],
  'sa-east-1': ['sae1-az1', 'sae1-az2', 'sae1-az3'],
  'eu-west-1': ['euw1-az1', 'euw1-az2', 'euw1-az3'],
  'eu-west-2': ['euw2-az1', 'euw2-az2', 'euw2-az3'],
  'eu-west-3': ['euw3-az1', 'euw3-az2', 'euw3-az3'],
  'eu-central-1': ['euc1-az1', 'euc1-az2', 'euc1-az3'],
  'eu-central-2': ['euc2-az1', 'euc2-az2', 'euc2-az3'],
  'eu-north-1': ['eun1-az1', 'eun1-az2', 'eun1-az3'],
  'eu-south-1': ['eus1-az1', 'eus1-az2', 'eus1-az3'],
  'eu-south-2': ['eus2-az1', 'eus2-az2', 'eus2-az3'],
  'me-south-1': ['mes1-az1', 'mes1-az2', 'mes1-az3'],
  'me-central-1': ['mec1-az1', 'mec1-az2', 'mec1-az3'],
  'il-central-1': ['ilc1-az1', 'ilc1-az2', 'ilc1-az3'],
  'af-south-1': ['afs1-az1', 'afs1-az2', 'afs1-az3'],
  'ap-east-1': ['ape1-az1', 'ape1-az2', 'ape1-az3'],
  'ap-south-1': ['aps1-az1', 'aps1-az2', 'aps1-az3'],
  'ap-south-2': ['aps2-az1', 'aps2-az2', 'aps2-az3'],
  'ap-northeast-1': ['apne1-az1', 'apne1-az2', 'apne1-az4'],
  'ap-northeast-2': ['apne2-az1', 'apne2-az2', 'apne2-az3', 'apne2-az4'],
  'ap-northeast-3': ['apne3-az1', 'apne3-az2', 'apne3-az3'],
  'ap-southeast-1': ['apse1-az1', 'apse1-az2', 'apse1-az3'],
  'ap-southeast-2': ['apse2-az1', 'apse2-az2', 'apse2-az3'],
  'ap-southeast-3': ['apse3-az1', 'apse3-az2', 'apse3-az3'],
  'ap-southeast-4': ['apse4-az1', 'apse4-az2', 'apse4-az3'],
};

export const AWS_REGIONS: readonly string[] = Object.keys(AVAILABILITY_ZONE_IDS);

/**
 * The regions the bundled price catalog prices (`cost/price-catalog.json` regions, kept equal by
 * test/cost/regions.test.ts). An environment runs only in these, so that every estimate prices
 * everything it builds: a region known above but not here is refused with exit 2 rather than
 * priced at $0. Add a region here with its catalog entry (multiplier, basis, source).
 */
export const PRICED_REGIONS: readonly string[] = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'sa-east-1',
  'eu-west-1',
  'eu-west-2',
  'eu-central-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-southeast-1',
  'ap-southeast-2',
];

/** The message for a region an environment may not run in, or undefined when it may. */
export function unpricedRegionMessage(code: string): string | undefined {
  if (PRICED_REGIONS.includes(code)) return undefined;
  return `"${code}" has no prices in Stagecraft's catalog (cost/price-catalog.json), so its cost cannot be estimated; allowed: ${PRICED_REGIONS.join(', ')}`;
}

/** Matches the shape of a region code, to tell a typo from an unsupported region. */
export const REGION_CODE_PATTERN = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/**
 * Accounts that deliver ALB access logs in regions opened before August 2022.
 * Newer regions use the log-delivery service principal instead.
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
  'us-east-1': '127311923021',
  'us-east-2': '033677994240',
  'us-west-1': '027434742980',
  'us-west-2': '797873946194',
  'af-south-1': '098369216593',
  'ap-east-1': '754344448648',
  'ap-south-1': '718504428378',
  'ap-northeast-1': '582318560864',
  'ap-northeast-2': '600734575887',
  'ap-northeast-3': '383597477331',
  'ap-southeast-1': '114774131450',
  'ap-southeast-2': '783225319266',
  'ca-central-1': '985666609251',
  'eu-central-1': '054676820928',
  'eu-west-1': '156460612806',
  'eu-west-2': '652711504416',
  'eu-west-3': '009996457667',
  'eu-south-1': '635631232127',
  'eu-north-1': '897822967062',
  'me-south-1': '076674570225',
  'sa-east-1': '507241528517',
};

/**
 * Cloudflare's published IPv4 ranges. Origins accept web traffic only from these,
 * so nothing bypasses the edge's WAF and rate limits.
 */
export const CLOUDFLARE_IPV4_RANGES: readonly string[] = [
  '173.245.48.0/20',
  '103.21.244.0/22',
  '103.22.200.0/22',
  '103.31.4.0/22',
  '141.101.64.0/18',
  '108.162.192.0/18',
  '190.93.240.0/20',
  '188.114.96.0/20',
  '197.234.240.0/22',
  '198.41.128.0/17',
  '162.158.0.0/15',
  '104.16.0.0/13',
  '104.24.0.0/14',
  '172.64.0.0/13',
  '131.0.72.0/22',
];
