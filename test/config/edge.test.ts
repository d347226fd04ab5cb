/** The `edge` section of environment files: defaults, and every kind of bad input by exact message. */
import { parseEnvironment } from '../../config/load';
import { formatProblem } from '../../config/errors';

const FILE = 'environments/prod.yaml';
const GROWTH = 'name: acme-prod\nstage: growth\nregions: [us-east-1]\ndomain: example.com\n';
const MASSIVE_REGIONS = 'name: acme-global\nstage: massive\nregions: [us-east-1, eu-west-1, ap-northeast-1]\ndomain: example.com\n';
/** Massive with the add-ons its load balancer, its steering and its edge Worker need; `edge:` fields may follow. */
const MASSIVE = `${MASSIVE_REGIONS}edge:\n  addons: [loadBalancing, trafficSteering, workersPaid]\n`;

const problems = (yaml: string) => parseEnvironment(yaml, FILE).problems.map(formatProblem);
const edgeOf = (yaml: string) => {
  const { environment, problems: found } = parseEnvironment(yaml, FILE);
  expect(found).toEqual([]);
  return environment!.edge;
};

describe('edge: defaults', () => {
  it('uses the seed 002 limits, a 5-minute session cache, the assets host and no steering overrides', () => {
    expect(edgeOf(GROWTH)).toEqual({
      cloudflareAccountId: undefined,
      subscription: { plan: 'free', addons: [] },
      assetsHost: 'assets.example.com',
      rateLimits: { messagesPerMinute: 100, apiRequestsPerMinute: 1000, websocketConnectsPerMinute: 5, failedLoginsPerMinute: 5 },
      steering: {},
      worker: { enabled: false, sessionCacheTtlSeconds: 300, maxRequestBodyKiB: 1024, originTimeoutMs: 10000 },
    });
  });

  it('runs the Worker by default on massive only', () => {
    expect(edgeOf(MASSIVE).worker.enabled).toBe(true);
    expect(edgeOf(`${MASSIVE}  worker:\n    enabled: false\n`).worker.enabled).toBe(false);
    expect(edgeOf(`${GROWTH}edge:\n  addons: [workersPaid]\n  worker:\n    enabled: true\n`).worker.enabled).toBe(true);
  });

  it('keeps the defaults of the limits that are not overridden', () => {
    expect(edgeOf(`${GROWTH}edge:\n  rateLimits:\n    apiRequestsPerMinute: 600\n`).rateLimits).toEqual({
      messagesPerMinute: 100,
      apiRequestsPerMinute: 600,
      websocketConnectsPerMinute: 5,
      failedLoginsPerMinute: 5,
    });
  });

  it('accepts an account ID, an assets host in the zone and a steering map of geo regions and countries', () => {
    const edge = edgeOf(
      `${MASSIVE}  cloudflareAccountId: 023e105f4ecef8ad9ca31a8372d0c353\n  assetsHost: media.example.com\n  steering:\n    eu-west-1: [ME, IN]\n`,
    );
    expect(edge).toMatchObject({
      cloudflareAccountId: '023e105f4ecef8ad9ca31a8372d0c353',
      assetsHost: 'media.example.com',
      steering: { 'eu-west-1': ['ME', 'IN'] },
    });
  });
});

describe('edge: the Cloudflare plan and add-ons', () => {
  it('takes the plan and the add-ons as given, each add-on once', () => {
    expect(
      edgeOf(`${MASSIVE_REGIONS}edge:\n  cloudflarePlan: business\n  addons: [loadBalancing, trafficSteering, loadBalancing, workersPaid]\n`).subscription,
    ).toEqual({
      plan: 'business',
      addons: ['loadBalancing', 'trafficSteering', 'workersPaid'],
    });
  });

  it('rejects an unknown plan and an unknown add-on by exact message', () => {
    expect(problems(`${GROWTH}edge:\n  cloudflarePlan: premium\n  addons: [loadBalancing, argo]\n`)).toEqual([
      'environments/prod.yaml: edge.cloudflarePlan: "premium" is not a Cloudflare plan; allowed: free, pro, business, enterprise',
      'environments/prod.yaml: edge.addons[1]: "argo" is not a Cloudflare add-on Stagecraft knows; allowed: loadBalancing, trafficSteering, advancedRateLimiting, workersPaid',
    ]);
  });
});

describe('edge: what the plan and add-ons cannot carry is refused, not left to `check` or apply', () => {
  const GROWTH_TWO = 'name: acme-prod\nstage: growth\nregions: [us-east-1, eu-west-1]\ndomain: example.com\n';

  it('refuses several regions without the Load Balancing add-on, naming the list to write', () => {
    expect(problems(GROWTH_TWO)).toEqual([
      'environments/prod.yaml: edge.addons: 2 regions are served through a Cloudflare load balancer, which needs the Load Balancing add-on; allowed: edge.addons: [loadBalancing] once the account has it, or one region; received none (plan free)',
    ]);
    expect(problems(`${MASSIVE_REGIONS}edge:\n  cloudflarePlan: enterprise\n  addons: [workersPaid, trafficSteering]\n`)).toEqual([
      'environments/prod.yaml: edge.addons: 3 regions are served through a Cloudflare load balancer, which needs the Load Balancing add-on; allowed: edge.addons: [loadBalancing, trafficSteering, workersPaid] once the account has it, or one region; received [workersPaid, trafficSteering] (plan enterprise)',
    ]);
  });

  it('accepts several regions with Load Balancing alone: the load balancer fails over in region order', () => {
    expect(problems(`${GROWTH_TWO}edge:\n  cloudflarePlan: pro\n  addons: [loadBalancing]\n`)).toEqual([]);
    expect(problems(`${MASSIVE_REGIONS}edge:\n  addons: [loadBalancing, workersPaid]\n`)).toEqual([]);
  });

  it('refuses a steering map without Traffic Steering, which would be dropped', () => {
    expect(problems(`${MASSIVE_REGIONS}edge:\n  cloudflarePlan: business\n  addons: [loadBalancing, workersPaid]\n  steering:\n    eu-west-1: [IN]\n`)).toEqual(
      [
        'environments/prod.yaml: edge.steering: sends geo regions and countries to chosen regions, which needs the Traffic Steering add-on (without it the load balancer fails over in region order); allowed: edge.addons: [loadBalancing, trafficSteering, workersPaid] once the account has it, or no edge.steering; received [loadBalancing, workersPaid] (plan business)',
      ],
    );
  });

  it("refuses the edge Worker without Workers Paid, whether the file or the stage's default turns it on", () => {
    expect(problems(`${GROWTH}edge:\n  cloudflarePlan: pro\n  worker:\n    enabled: true\n`)).toEqual([
      'environments/prod.yaml: edge.addons: the edge Worker (edge.worker.enabled: true) keeps its rate-limit counters in a Durable Object, which needs Workers Paid; allowed: edge.addons: [workersPaid] once the account has it, or edge.worker.enabled: false; received none (plan pro)',
    ]);
    expect(problems(`${MASSIVE_REGIONS}edge:\n  addons: [loadBalancing]\n`)).toEqual([
      'environments/prod.yaml: edge.addons: the edge Worker (on by default on massive) keeps its rate-limit counters in a Durable Object, which needs Workers Paid; allowed: edge.addons: [loadBalancing, workersPaid] once the account has it, or edge.worker.enabled: false; received [loadBalancing] (plan free)',
    ]);
    expect(problems(`${MASSIVE_REGIONS}edge:\n  addons: [loadBalancing]\n  worker:\n    enabled: false\n`)).toEqual([]);
  });

  it('refuses Advanced Rate Limiting on a plan other than Enterprise, where the limits would count per IP', () => {
    expect(problems(`${GROWTH}edge:\n  cloudflarePlan: business\n  addons: [advancedRateLimiting]\n`)).toEqual([
      'environments/prod.yaml: edge.addons: advancedRateLimiting is sold with the Enterprise plan only (without it the rate limits count per IP, not per user); allowed: edge.cloudflarePlan: enterprise, or no advancedRateLimiting; received [advancedRateLimiting] (plan business)',
    ]);
    expect(problems(`${GROWTH}edge:\n  cloudflarePlan: enterprise\n  addons: [advancedRateLimiting]\n`)).toEqual([]);
  });
});

describe('aws.accountId', () => {
  const account = (yaml: string) => parseEnvironment(yaml, FILE).environment?.awsAccountId;

  it('is used when given, and absent otherwise', () => {
    expect(account(`${GROWTH}aws:\n  accountId: "111122223333"\n`)).toBe('111122223333');
    expect(account(GROWTH)).toBeUndefined();
  });

  it('rejects anything but 12 digits by exact message', () => {
    expect(problems(`${GROWTH}aws:\n  accountId: "1111-2222-3333"\n`)).toEqual([
      'environments/prod.yaml: aws.accountId: "1111-2222-3333" is not a 12-digit AWS account ID (e.g. 123456789012)',
    ]);
    expect(problems(`${GROWTH}aws:\n  accountId: 111122223333\n`)).toEqual([
      'environments/prod.yaml: aws.accountId: expected a string, received number 111122223333',
    ]);
  });
});

describe('edge: bad input', () => {
  it('rejects a rate limit of 0, fractions and strings', () => {
    expect(
      problems(
        `${GROWTH}edge:\n  rateLimits:\n    messagesPerMinute: 0\n    apiRequestsPerMinute: 2.5\n    failedLoginsPerMinute: "5"\n    websocketConnectsPerMinute: 2000000\n`,
      ),
    ).toEqual([
      'environments/prod.yaml: edge.rateLimits.messagesPerMinute: 0 would refuse every request; allowed: 1 to 1000000 messages per minute',
      'environments/prod.yaml: edge.rateLimits.apiRequestsPerMinute: expected a whole number, received number 2.5',
      'environments/prod.yaml: edge.rateLimits.websocketConnectsPerMinute: 2000000 is more than allowed; allowed: 1 to 1000000 WebSocket connections per minute',
      'environments/prod.yaml: edge.rateLimits.failedLoginsPerMinute: expected a number, received string "5"',
    ]);
  });

  it('rejects rate limits before growth, where there are none', () => {
    expect(problems(`${GROWTH.replace('growth', 'traction')}edge:\n  rateLimits:\n    messagesPerMinute: 50\n`)).toEqual([
      'environments/prod.yaml: edge.rateLimits: does not apply to stage traction; it applies to: growth, scale, hyperscale, massive',
    ]);
  });

  it('rejects a malformed assets host, and one outside the zone or already in use', () => {
    expect(problems(`${GROWTH}edge:\n  assetsHost: Assets..example.com\n`)).toEqual([
      'environments/prod.yaml: edge.assetsHost: "Assets..example.com" is not a lowercase DNS name (e.g. assets.example.com)',
    ]);
    expect(problems(`${GROWTH}edge:\n  assetsHost: cdn.example.org\n`)).toEqual([
      'environments/prod.yaml: edge.assetsHost: "cdn.example.org" is not in the zone example.com; use a name ending in .example.com',
    ]);
    expect(problems(`${GROWTH}edge:\n  assetsHost: api.example.com\n`)).toEqual([
      'environments/prod.yaml: edge.assetsHost: "api.example.com" is already used by the edge (www, api and origin-<region> records); choose another name',
    ]);
    expect(problems(`${GROWTH}edge:\n  assetsHost: origin-us-east-1.example.com\n`)).toEqual([
      'environments/prod.yaml: edge.assetsHost: "origin-us-east-1.example.com" is already used by the edge (www, api and origin-<region> records); choose another name',
    ]);
  });

  it('rejects a malformed account ID', () => {
    expect(problems(`${GROWTH}edge:\n  cloudflareAccountId: 023E105F4ECEF8AD\n`)).toEqual([
      'environments/prod.yaml: edge.cloudflareAccountId: "023E105F4ECEF8AD" is not a Cloudflare account ID (32 lowercase hex characters) (e.g. 023e105f4ecef8ad9ca31a8372d0c353)',
    ]);
  });

  it("rejects unknown regions in the steering map, naming the environment's regions", () => {
    expect(problems(`${MASSIVE}  steering:\n    eu-west-2: [WEU]\n    us-east-9: [ENAM]\n`)).toEqual([
      expect.stringMatching(
        /^environments\/prod\.yaml: edge\.steering\.us-east-9: key "us-east-9" is not a region Stagecraft knows; allowed: us-east-1, us-east-2, /,
      ),
    ]);
    expect(problems(`${MASSIVE}  steering:\n    eu-west-2: [WEU]\n`)).toEqual([
      `environments/prod.yaml: edge.steering.eu-west-2: "eu-west-2" is not one of this environment's regions (us-east-1, eu-west-1, ap-northeast-1)`,
    ]);
  });

  it('rejects unknown geo regions and countries, empty lists, and a target sent to two regions', () => {
    expect(problems(`${MASSIVE}  steering:\n    eu-west-1: [weu, Europe]\n    us-east-1: []\n`)).toEqual([
      'environments/prod.yaml: edge.steering.eu-west-1[0]: "weu" is not a Cloudflare geo region (WNAM, ENAM, NSAM, SSAM, WEU, EEU, ME, NAF, SAF, SAS, SEAS, NEAS, OC) or an ISO country code (e.g. WEU)',
      'environments/prod.yaml: edge.steering.eu-west-1[1]: "Europe" is not a Cloudflare geo region (WNAM, ENAM, NSAM, SSAM, WEU, EEU, ME, NAF, SAF, SAS, SEAS, NEAS, OC) or an ISO country code (e.g. WEU)',
      'environments/prod.yaml: edge.steering.us-east-1: needs at least one geo region or country',
    ]);
    expect(problems(`${MASSIVE}  steering:\n    eu-west-1: [ME, ZZ]\n    ap-northeast-1: [ME]\n`)).toEqual([
      'environments/prod.yaml: edge.steering.eu-west-1[1]: "ZZ" is neither a Cloudflare geo region (WNAM, ENAM, NSAM, SSAM, WEU, EEU, ME, NAF, SAF, SAS, SEAS, NEAS, OC) nor a country code Stagecraft knows (config/edge-countries.ts)',
      'environments/prod.yaml: edge.steering.ap-northeast-1[0]: "ME" is already sent to eu-west-1; each geo region goes to one region',
    ]);
  });

  it('rejects a steering map on a single-region stage', () => {
    expect(problems(`${GROWTH}edge:\n  steering:\n    us-east-1: [ENAM]\n`)).toEqual([
      'environments/prod.yaml: edge.steering: does not apply to stage growth; it applies to: massive',
    ]);
  });

  it('rejects the Worker before growth, and Worker settings where it does not run', () => {
    expect(problems(`${GROWTH.replace('growth', 'launch')}edge:\n  worker:\n    enabled: true\n`)).toEqual([
      "environments/prod.yaml: edge.worker.enabled: the Worker forwards to each region's load balancer (origin-<region>.example.com), which exists from growth on; this environment is launch",
    ]);
    expect(problems(`${GROWTH}edge:\n  worker:\n    sessionCacheTtlSeconds: 120\n`)).toEqual([
      'environments/prod.yaml: edge.worker.sessionCacheTtlSeconds: applies only when the Worker runs; set edge.worker.enabled: true (growth on) or remove it',
    ]);
    expect(problems(`${MASSIVE}  worker:\n    sessionCacheTtlSeconds: 30\n    colour: blue\n`)).toEqual([
      'environments/prod.yaml: edge.worker.sessionCacheTtlSeconds: must be at least 60; received number 30',
      'environments/prod.yaml: edge.worker: unknown key "colour"; allowed keys: enabled, sessionCacheTtlSeconds, maxRequestBodyKiB, originTimeoutMs',
    ]);
  });
});
