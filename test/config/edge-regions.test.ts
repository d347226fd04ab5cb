/** Static steering facts: every region and country is placed, and failover orders are nearest-first. */
import { COUNTRY_GEO_REGIONS, countryGeoRegion } from '../../config/edge-countries';
import { AWS_REGION_LOCATIONS, CLOUDFLARE_GEO_REGION_CODES, distanceKm, geoSteering, isGeoRegion, nearestNeighbours } from '../../config/edge-regions';
import { AWS_REGIONS } from '../../config/regions';
import { geoRegionOf } from '../../workers/edge/geo';

describe('static tables', () => {
  it('places every region Stagecraft knows in a Cloudflare geo region', () => {
    expect(Object.keys(AWS_REGION_LOCATIONS).sort()).toEqual([...AWS_REGIONS].sort());
    for (const location of Object.values(AWS_REGION_LOCATIONS)) expect(isGeoRegion(location.geoRegion)).toBe(true);
  });

  it('maps every listed country to a geo region, once', () => {
    const regions = new Set(Object.values(COUNTRY_GEO_REGIONS));
    expect([...regions].filter((r) => !isGeoRegion(r))).toEqual([]);
    expect(CLOUDFLARE_GEO_REGION_CODES.filter((r) => r !== 'WNAM' && !regions.has(r))).toEqual([]);
    expect(Object.keys(COUNTRY_GEO_REGIONS).length).toBeGreaterThan(200);
  });

  it('splits North America at longitude -100', () => {
    expect(countryGeoRegion('US', -122.4)).toBe('WNAM');
    expect(countryGeoRegion('US', -77.0)).toBe('ENAM');
    expect(countryGeoRegion('US')).toBe('ENAM');
    expect(countryGeoRegion('ZZ')).toBeUndefined();
  });

  it('measures great-circle distances', () => {
    // London to New York is about 5,570 km.
    expect(Math.round(distanceKm({ latitude: 51.5, longitude: -0.1 }, { latitude: 40.7, longitude: -74.0 }) / 10) * 10).toBe(5570);
  });
});

describe('failover order', () => {
  it('lists the other regions nearest first', () => {
    expect(nearestNeighbours('eu-west-1', ['us-east-1', 'eu-west-1', 'ap-northeast-1', 'eu-central-1'])).toEqual([
      'eu-central-1',
      'us-east-1',
      'ap-northeast-1',
    ]);
    expect(nearestNeighbours('ap-southeast-2', ['us-west-2', 'ap-southeast-1', 'ap-southeast-2', 'eu-west-1'])).toEqual([
      'ap-southeast-1',
      'us-west-2',
      'eu-west-1',
    ]);
  });

  it('gives every geo region all regions nearest first, and lets the steering map choose the first', () => {
    const regions = ['us-east-1', 'eu-west-1', 'ap-northeast-1', 'me-central-1'];
    const plain = geoSteering(regions);
    expect(Object.keys(plain.regionPools)).toEqual(CLOUDFLARE_GEO_REGION_CODES);
    expect(plain.regionPools.ME).toEqual(['me-central-1', 'eu-west-1', 'ap-northeast-1', 'us-east-1']);
    expect(plain.regionPools.SAS[0]).toBe('me-central-1');
    expect(plain.countryPools).toEqual({});

    const steered = geoSteering(regions, { 'eu-west-1': ['ME', 'TR'], 'us-east-1': ['BR'] });
    expect(steered.regionPools.ME).toEqual(['eu-west-1', 'me-central-1', 'ap-northeast-1', 'us-east-1']);
    expect(steered.countryPools).toEqual({
      BR: ['us-east-1', 'eu-west-1', 'me-central-1', 'ap-northeast-1'],
      TR: ['eu-west-1', 'me-central-1', 'us-east-1', 'ap-northeast-1'], // nearest first from Eastern Europe
    });
  });
});

describe("the Worker's view of request.cf", () => {
  it.each([
    [{ country: 'DE' }, 'WEU'],
    [{ country: 'US', longitude: '-118.2' }, 'WNAM'],
    [{ country: 'US', longitude: '-77.0' }, 'ENAM'],
    [{ country: 'IN' }, 'SAS'],
    [{ continent: 'EU', longitude: '30.5' }, 'EEU'],
    [{ continent: 'AF', latitude: '-1.3' }, 'SAF'],
    [{ continent: 'AS', latitude: '1.3', longitude: '103.8' }, 'SEAS'],
    [{ continent: 'AN' }, 'OC'],
    [{}, undefined],
  ])('%j → %s', (location, region) => {
    expect(geoRegionOf(location)).toBe(region);
  });
});
