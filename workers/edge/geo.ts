/**
 * Which Cloudflare load-balancing geo region a request comes from, from `request.cf`: by
 * country (config/edge-countries.ts), else by continent and latitude or longitude. The
 * load balancer uses Cloudflare's own mapping; this one agrees with it closely enough to
 * pick the nearest of a handful of regions.
 */
import { countryGeoRegion } from '../../config/edge-countries';
import { RequestLocation } from './runtime';

function coordinate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number.parseFloat(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** The geo region code (WNAM … OC), or undefined when the location is unknown. */
export function geoRegionOf(location: RequestLocation | undefined): string | undefined {
  if (!location) return undefined;
  const latitude = coordinate(location.latitude);
  const longitude = coordinate(location.longitude);
  const byCountry = location.country ? countryGeoRegion(location.country.toUpperCase(), longitude) : undefined;
  if (byCountry) return byCountry;
  switch (location.continent?.toUpperCase()) {
    case 'NA':
      return longitude !== undefined && longitude < -100 ? 'WNAM' : 'ENAM';
    case 'SA':
      return latitude !== undefined && latitude < -10 ? 'SSAM' : 'NSAM';
    case 'EU':
      return longitude !== undefined && longitude > 20 ? 'EEU' : 'WEU';
    case 'AF':
      return latitude !== undefined && latitude < 0 ? 'SAF' : 'NAF';
    case 'AS':
      if (longitude === undefined) return 'NEAS';
      if (longitude < 60) return 'ME';
      if (longitude < 92) return 'SAS';
      return latitude !== undefined && latitude < 20 ? 'SEAS' : 'NEAS';
    case 'OC':
    case 'AN':
      return 'OC';
    default:
      return undefined;
  }
}
