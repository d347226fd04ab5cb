/**
 * Country (ISO 3166-1 alpha-2) → Cloudflare load-balancing geo region, for the countries a
 * steering map may name and for the edge Worker's routing. Cloudflare's own mapping decides
 * for the load balancer; this one follows it where it is documented and approximates
 * elsewhere. The United States, Canada and Mexico span two geo regions: they split at
 * longitude -100 (west of it is WNAM) when the longitude is known, and count as ENAM otherwise.
 *
 * Kept free of other imports: the Worker bundles it.
 */

const GROUPS: ReadonlyArray<readonly [string, string]> = [
  ['ENAM', 'US CA MX BM BS CU DO HT JM PR KY TC VG VI AG KN LC VC GD DM BB TT AW CW SX MF BL GP MQ AI MS PM GL'],
  ['NSAM', 'BZ GT SV HN NI CR PA CO VE EC GY SR GF PE'],
  ['SSAM', 'BR BO PY UY AR CL FK'],
  ['WEU', 'GB IE IS FR BE NL LU DE AT CH LI IT SM VA MT ES PT AD MC DK NO SE FO GI IM JE GG AX SJ'],
  ['EEU', 'FI EE LV LT PL CZ SK HU RO BG MD UA BY RU SI HR BA RS ME MK AL XK GR CY TR GE AM AZ'],
  ['ME', 'AE BH IL IQ IR JO KW LB OM PS QA SA SY YE'],
  ['NAF', 'EG LY TN DZ MA EH SD SS MR ML NE TD NG GH CI SN GM GN GW SL LR BF BJ TG CV ER DJ ET SO'],
  ['SAF', 'ZA NA BW ZW ZM MZ MW AO CD CG GA GQ CM CF UG KE TZ RW BI MG MU SC KM RE YT LS SZ ST SH'],
  ['SAS', 'IN PK BD LK NP BT MV AF UZ TM TJ KG KZ IO'],
  ['SEAS', 'SG MY TH VN ID PH KH LA MM BN TL'],
  ['NEAS', 'CN HK MO TW JP KR KP MN'],
  ['OC', 'AU NZ PG FJ SB VU NC PF WS TO KI TV NR FM MH PW GU MP AS CK NU TK WF NF CX CC AQ'],
];

/** Country → geo region code. */
export const COUNTRY_GEO_REGIONS: Readonly<Record<string, string>> = Object.fromEntries(
  GROUPS.flatMap(([region, countries]) => countries.split(' ').map((country) => [country, region])),
);

const SPLIT_AT_LONGITUDE = new Set(['US', 'CA', 'MX']);

/** The geo region of `country`, or undefined for a code not in the table. */
export function countryGeoRegion(country: string, longitude?: number): string | undefined {
  const region = COUNTRY_GEO_REGIONS[country];
  if (region && SPLIT_AT_LONGITUDE.has(country) && longitude !== undefined && longitude < -100) return 'WNAM';
  return region;
}
