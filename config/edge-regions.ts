import { countryGeoRegion } from './edge-countries';

/**
 * Static facts for steering traffic at the Cloudflare edge, so synthesis needs no API call:
 * Cloudflare's load-balancing geo regions, where each AWS region is, and the nearest-first
 * order of an environment's regions seen from any geo region or any other region.
 *
 * Distances are great-circle distances between the coordinates below: an AWS region's
 * metro area, and a representative point of each Cloudflare geo region. They order regions;
 * they do not predict latency.
 */

/** A point on the globe, in degrees. */
export interface GeoPoint {
  readonly latitude: number;
  readonly longitude: number;
}

/** Cloudflare load-balancing geo regions (the keys of `region_pools`), with a representative point of each. */
export const CLOUDFLARE_GEO_REGIONS = {
  WNAM: { name: 'Western North America', latitude: 40, longitude: -115 },
  ENAM: { name: 'Eastern North America', latitude: 39, longitude: -82 },
  NSAM: { name: 'Northern South America', latitude: 5, longitude: -70 },
  SSAM: { name: 'Southern South America', latitude: -25, longitude: -55 },
  WEU: { name: 'Western Europe', latitude: 48, longitude: 5 },
  EEU: { name: 'Eastern Europe', latitude: 52, longitude: 25 },
  ME: { name: 'Middle East', latitude: 27, longitude: 45 },
  NAF: { name: 'Northern Africa', latitude: 20, longitude: 10 },
  SAF: { name: 'Southern Africa', latitude: -15, longitude: 25 },
  SAS: { name: 'Southern Asia', latitude: 22, longitude: 78 },
  SEAS: { name: 'South East Asia', latitude: 5, longitude: 110 },
  NEAS: { name: 'North East Asia', latitude: 35, longitude: 125 },
  OC: { name: 'Oceania', latitude: -30, longitude: 145 },
} as const satisfies Record<string, GeoPoint & { name: string }>;

export type CloudflareGeoRegion = keyof typeof CLOUDFLARE_GEO_REGIONS;

export const CLOUDFLARE_GEO_REGION_CODES = Object.keys(CLOUDFLARE_GEO_REGIONS) as CloudflareGeoRegion[];

/** Where an AWS region is, and the Cloudflare geo region it lies in. */
export interface AwsRegionLocation extends GeoPoint {
  readonly geoRegion: CloudflareGeoRegion;
}

/** Every region of `config/regions.ts`: metro coordinates and Cloudflare geo region. */
export const AWS_REGION_LOCATIONS: Readonly<Record<string, AwsRegionLocation>> = {
  'us-east-1': { geoRegion: 'ENAM', latitude: 38.9, longitude: -77.4 },
  'us-east-2': { geoRegion: 'ENAM', latitude: 40.0, longitude: -83.0 },
  'us-west-1': { geoRegion: 'WNAM', latitude: 37.4, longitude: -121.9 },
  'us-west-2': { geoRegion: 'WNAM', latitude: 45.8, longitude: -119.7 },
  'ca-central-1': { geoRegion: 'ENAM', latitude: 45.5, longitude: -73.6 },
  'ca-west-1': { geoRegion: 'WNAM', latitude: 51.0, longitude: -114.1 },
  'sa-east-1': { geoRegion: 'SSAM', latitude: -23.5, longitude: -46.6 },
  'eu-west-1': { geoRegion: 'WEU', latitude: 53.3, longitude: -6.3 },
  'eu-west-2': { geoRegion: 'WEU', latitude: 51.5, longitude: -0.1 },
  'eu-west-3': { geoRegion: 'WEU', latitude: 48.9, longitude: 2.4 },
  'eu-central-1': { geoRegion: 'WEU', latitude: 50.1, longitude: 8.7 },
  'eu-central-2': { geoRegion: 'WEU', latitude: 47.4, longitude: 8.5 },
  'eu-north-1': { geoRegion: 'WEU', latitude: 59.3, longitude: 18.1 },
  'eu-south-1': { geoRegion: 'WEU', latitude: 45.5, longitude: 9.2 },
  'eu-south-2': { geoRegion: 'WEU', latitude: 41.6, longitude: -0.9 },
  'me-south-1': { geoRegion: 'ME', latitude: 26.1, longitude: 50.6 },
  'me-central-1': { geoRegion: 'ME', latitude: 24.5, longitude: 54.4 },
  'il-central-1': { geoRegion: 'ME', latitude: 32.1, longitude: 34.8 },
  'af-south-1': { geoRegion: 'SAF', latitude: -33.9, longitude: 18.4 },
  'ap-east-1': { geoRegion: 'NEAS', latitude: 22.3, longitude: 114.2 },
  'ap-south-1': { geoRegion: 'SAS', latitude: 19.1, longitude: 72.9 },
  'ap-south-2': { geoRegion: 'SAS', latitude: 17.4, longitude: 78.5 },
  'ap-northeast-1': { geoRegion: 'NEAS', latitude: 35.7, longitude: 139.7 },
  'ap-northeast-2': { geoRegion: 'NEAS', latitude: 37.6, longitude: 127.0 },
  'ap-northeast-3': { geoRegion: 'NEAS', latitude: 34.7, longitude: 135.5 },
  'ap-southeast-1': { geoRegion: 'SEAS', latitude: 1.35, longitude: 103.8 },
  'ap-southeast-2': { geoRegion: 'OC', latitude: -33.9, longitude: 151.2 },
  'ap-southeast-3': { geoRegion: 'SEAS', latitude: -6.2, longitude: 106.8 },
  'ap-southeast-4': { geoRegion: 'OC', latitude: -37.8, longitude: 145.0 },
};

/** Matches a Cloudflare geo region code or an ISO 3166-1 alpha-2 country code, the keys a steering map may use. */
export const STEERING_TARGET_PATTERN = /^(WNAM|ENAM|NSAM|SSAM|WEU|EEU|ME|NAF|SAF|SAS|SEAS|NEAS|OC|[A-Z]{2})$/;

export function isGeoRegion(code: string): code is CloudflareGeoRegion {
  return Object.prototype.hasOwnProperty.call(CLOUDFLARE_GEO_REGIONS, code);
}

const EARTH_RADIUS_KM = 6371;

/** Great-circle distance in kilometres. */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** `regions` ordered nearest-first from `from`; ties keep the order of `regions`. */
export function nearestFirst(from: GeoPoint, regions: readonly string[]): string[] {
  return regions
    .map((code, index) => ({ code, index, km: distanceKm(from, AWS_REGION_LOCATIONS[code]) }))
    .sort((a, b) => a.km - b.km || a.index - b.index)
    .map((r) => r.code);
}

/** The other `regions`, nearest to `region` first: where its traffic goes when it is lost. */
export function nearestNeighbours(region: string, regions: readonly string[]): string[] {
  return nearestFirst(
    AWS_REGION_LOCATIONS[region],
    regions.filter((r) => r !== region),
  );
}

/** Failover order per geo region and per country, each list nearest-first. */
export interface GeoSteering {
  /** Every Cloudflare geo region → the environment's regions in failover order. */
  readonly regionPools: Readonly<Record<CloudflareGeoRegion, readonly string[]>>;
  /** Countries named in the steering map → the region they are sent to, then the rest nearest-first from the country's geo region. */
  readonly countryPools: Readonly<Record<string, readonly string[]>>;
}

/**
 * Failover order for every geo region, and for every country the steering map names.
 *
 * A geo region goes to the nearest region unless the steering map sends it elsewhere; a
 * country goes to the region the map names. After that first choice, the other regions
 * follow nearest-first from the geo region (a country's, for a country), so losing a region
 * sends its traffic to the next-nearest healthy one.
 *
 * @param regions the environment's regions, primary first
 * @param steering region → geo regions or countries it serves first (already validated)
 */
export function geoSteering(regions: readonly string[], steering: Readonly<Record<string, readonly string[]>> = {}): GeoSteering {
  const assigned = new Map<string, string>();
  for (const [region, targets] of Object.entries(steering)) for (const target of targets) assigned.set(target, region);

  const firstThen = (chosen: string | undefined, order: string[]) => (chosen ? [chosen, ...order.filter((r) => r !== chosen)] : order);
  const regionPools = {} as Record<CloudflareGeoRegion, string[]>;
  for (const code of CLOUDFLARE_GEO_REGION_CODES) {
    regionPools[code] = firstThen(assigned.get(code), nearestFirst(CLOUDFLARE_GEO_REGIONS[code], regions));
  }
  const countryPools: Record<string, string[]> = {};
  for (const [target, region] of [...assigned.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (isGeoRegion(target)) continue;
    const geo = countryGeoRegion(target);
    const order = geo && isGeoRegion(geo) ? nearestFirst(CLOUDFLARE_GEO_REGIONS[geo], regions) : nearestNeighbours(region, regions);
    countryPools[target] = firstThen(region, order);
  }
  return { regionPools, countryPools };
}
