/**
 * `<env>-edge`: what faces the internet, on Cloudflare, growing with the stage:
 *
 * - every stage: DNS for the product's hosts and the zone's TLS settings (TLS 1.2 minimum,
 *   HTTPS only, HSTS);
 * - traction on: CDN caching of static files and avatars, and the R2 bucket that serves the
 *   avatars on the assets host;
 * - growth on: WAF custom rules and rate limits (seed 002 limits);
 * - hyperscale on: the R2 archive bucket with the message storage tiers of seed 002;
 * - multi-region (massive): a load balancer with one pool per region, health monitors and
 *   geo steering;
 * - where the edge Worker is enabled (massive by default): the Worker, its KV namespaces,
 *   its Durable Object and its routes.
 *
 * On cluster stages it also holds the origin TLS: an ACM certificate per region (validated
 * through Cloudflare DNS) and the ALB's HTTPS listener that uses it. Keeping certificates here
 * means no stack waits on another stack's DNS: regional → edge is the only dependency.
 *
 * The Cloudflare API token is read from CLOUDFLARE_API_TOKEN at deploy time; it is never
 * in code or in the synthesized JSON.
 */
import { Construct } from 'constructs';
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { addOriginHealthRoute, addServiceRoutes, originHealthRoute } from '../constructs/aws/service-routes';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { allowedAccounts } from './aws-account';
import { DnsRecord } from '@cdktf/provider-cloudflare/lib/dns-record';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { geoSteering } from '../config/edge-regions';
import { Environment } from '../config/environment';
import { r2Buckets } from '../config/r2-buckets';
import { isAtLeast } from '../config/stages';
import { CacheRules } from '../constructs/cloudflare/cache-rules';
import { EdgeBucket } from '../constructs/cloudflare/edge-bucket';
import { EdgeWorker } from '../constructs/cloudflare/edge-worker';
import { EdgeServiceWorker } from '../constructs/cloudflare/edge-service-worker';
import { EdgeZone, lookupEdgeZone } from '../constructs/cloudflare/edge-zone';
import { EdgeZoneSettings } from '../constructs/cloudflare/edge-zone-settings';
import { OriginLoadBalancer } from '../constructs/cloudflare/origin-load-balancer';
import { OriginTrust } from '../constructs/cloudflare/origin-trust';
import { RateLimits } from '../constructs/cloudflare/rate-limits';
import { WafRules } from '../constructs/cloudflare/waf-rules';
import { edgeWorkerBundle } from '../workers/bundle';
import { edgeServiceBinding, PATHS } from '../workers/edge/contract';
import { configureBackend, StateLocation } from './backend';
import { edgeStackName } from './stack-names';
import { edgeServiceScriptName, edgeWorkerConfig, originHostname } from './edge-worker-config';
import { RegionalStack } from './regional-stack';
import { terraformLiterals } from '../synthesis/terraform-literal';
import { StagecraftStack } from './stagecraft-stack';

/** TLS 1.3 preferred, 1.2 minimum, forward-secret ciphers only. */
export const ALB_TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

/** TTL 1 means "automatic" to Cloudflare (required for proxied records). */
const AUTOMATIC_TTL = 1;

/**
 * Seed 002, section 7: messages are hot for 7 days, warm to 30, cold (object storage) to 90,
 * then archived, and deleted after a year. The archive bucket receives them when they turn
 * cold, so its rules count from day 30.
 */
export const MESSAGE_TIERS_DAYS = { coldAfter: 30, archivedAfter: 90, deletedAfter: 365 } as const;

/** The names each region's origin certificate is for: the apex, then the wildcard. */
const certificateNames = (environment: Environment): readonly string[] => [environment.domain, `*.${environment.domain}`];

/** What the edge stack of a stage holds. */
export interface EdgeFeatures {
  readonly cdn: boolean;
  readonly waf: boolean;
  readonly archive: boolean;
  readonly loadBalancer: boolean;
  readonly worker: boolean;
}

export function edgeFeatures(environment: Environment): EdgeFeatures {
  return {
    cdn: isAtLeast(environment.stage, 'traction'),
    waf: isAtLeast(environment.stage, 'growth'),
    archive: r2Buckets(environment).archive !== undefined,
    loadBalancer: environment.regions.length > 1,
    worker: environment.edge.worker.enabled,
  };
}

export interface EdgeStackProps {
  readonly environment: Environment;
  readonly regions: readonly RegionalStack[];
  readonly state: StateLocation;
}

export class EdgeStack extends StagecraftStack {
  readonly stackName: string;
  readonly features: EdgeFeatures;
  readonly zone: EdgeZone;
  readonly records: DnsRecord[] = [];
  readonly zoneSettings: EdgeZoneSettings;
  readonly originTrust: OriginTrust;
  readonly cacheRules?: CacheRules;
  readonly assetsBucket?: EdgeBucket;
  readonly wafRules?: WafRules;
  readonly rateLimits?: RateLimits;
  readonly archiveBucket?: EdgeBucket;
  readonly loadBalancer?: OriginLoadBalancer;
  readonly worker?: EdgeWorker;
  /** The Workers of edge-first services, where the environment has any. */
  readonly edgeServices: EdgeServiceWorker[] = [];

  constructor(scope: Construct, props: EdgeStackProps) {
    const { environment } = props;
    const stackName = edgeStackName(environment.name);
    super(scope, stackName);
    this.stackName = stackName;
    configureBackend(this, stackName, environment.backend, props.state);
    new CloudflareProvider(this, 'cloudflare', {});
    const features = edgeFeatures(environment);
    this.features = features;
    const zone = lookupEdgeZone(this, 'zone', environment.domain, environment.edge.cloudflareAccountId, environment.edge.subscription);
    this.zone = zone;
    const record = (id: string, name: string, type: 'A' | 'CNAME', content: string, proxied = true) => {
      const r = new DnsRecord(this, id, { zoneId: zone.zoneId, name, type, content, proxied, ttl: AUTOMATIC_TTL, comment: 'managed by stagecraft' });
      this.records.push(r);
      return r;
    };

    const primary = props.regions[0];
    primary.origin.hostIps.forEach((ip, i) => record(`apex-${i}`, environment.domain, 'A', ip));
    for (const regional of props.regions) {
      const loadBalancer = regional.origin.loadBalancer;
      if (!loadBalancer) continue;
      const code = regional.foundation.region.code;
      record(`origin-${code}`, originHostname(code, environment.domain), 'CNAME', loadBalancer.dnsName);
      this.addOriginTls(environment, regional, features.loadBalancer);
    }
    // With several regions the load balancer answers for the apex instead of a record.
    if (primary.origin.loadBalancer && !features.loadBalancer) record('apex', environment.domain, 'CNAME', primary.origin.loadBalancer.dnsName);
    record('www', `www.${environment.domain}`, 'CNAME', environment.domain);
    record('api', `api.${environment.domain}`, 'CNAME', environment.domain);
    this.addValidationRecords(zone, certificateNames(environment));

    this.zoneSettings = new EdgeZoneSettings(this, 'zone-settings', { zone });
    this.originTrust = new OriginTrust(this, 'origin-trust', {
      zone,
      authenticatedOriginPulls: environment.edge.originPullCa !== undefined,
      clientCertificateId: environment.edge.originPullCertificateId,
    });
    const { domain, name } = environment;
    if (features.cdn) {
      const assetsHost = environment.edge.assetsHost;
      this.cacheRules = new CacheRules(this, 'cache-rules', { zone, siteHosts: [domain, `www.${domain}`], assetsHost, apiPathPrefix: PATHS.apiPrefix });
      // Written by the services that declare objectStorage, with the R2 writer credential (config/r2-buckets.ts).
      this.assetsBucket = new EdgeBucket(this, 'assets', { zone, bucketName: r2Buckets(environment).assets ?? `${name}-assets`, publicHostname: assetsHost });
    }
    if (features.waf) {
      this.wafRules = new WafRules(this, 'waf', { zone });
      this.rateLimits = new RateLimits(this, 'rate-limits', { zone, ...environment.edge.rateLimits });
    }
    if (features.archive) {
      this.archiveBucket = new EdgeBucket(this, 'archive', {
        zone,
        bucketName: r2Buckets(environment).archive ?? `${name}-archive`,
        infrequentAccessAfterDays: MESSAGE_TIERS_DAYS.archivedAfter - MESSAGE_TIERS_DAYS.coldAfter,
        deleteAfterDays: MESSAGE_TIERS_DAYS.deletedAfter - MESSAGE_TIERS_DAYS.coldAfter,
      });
    }
    if (features.loadBalancer) {
      const regions = environment.regions.map((r) => r.code);
      const steering = geoSteering(regions, environment.edge.steering);
      this.loadBalancer = new OriginLoadBalancer(this, 'load-balancer', {
        zone,
        namePrefix: name,
        hostname: domain,
        origins: regions.map((region) => ({ region, address: originHostname(region, domain) })),
        regionPools: steering.regionPools,
        countryPools: steering.countryPools,
        // The path the main service's target group checks; each region's listener routes it on the origin's host (addOriginTls).
        healthCheckPath: originHealthRoute(primary.origin.loadBalancer?.routes ?? [])?.healthCheckPath ?? PATHS.health,
        steering: environment.components.regionMode === 'active-passive' ? 'failover' : 'geo',
      });
    }
    if (features.worker) {
      for (const service of environment.edgeServices) {
        const edge = service.edge!;
        this.edgeServices.push(
          new EdgeServiceWorker(this, `edge-service-${service.name}`, {
            zone,
            scriptName: edgeServiceScriptName(environment, service.name),
            code: edge.code,
            durableObjects: edge.durableObjects,
            kvNamespaces: edge.kvNamespaces,
            environmentName: name,
          }),
        );
      }
      this.worker = new EdgeWorker(this, 'worker', {
        zone,
        scriptName: `${name}-edge`,
        bundle: edgeWorkerBundle(),
        environmentName: name,
        ...edgeWorkerConfig(environment),
        routeHosts: [domain, `www.${domain}`, `api.${domain}`],
        edgeServices: environment.edgeServices.map((s) => ({ binding: edgeServiceBinding(s.name), scriptName: edgeServiceScriptName(environment, s.name) })),
      });
      // The binding names a script that must exist first.
      if (this.edgeServices.length > 0) this.worker.script.dependsOn = this.edgeServices.map((s) => `cloudflare_workers_script.${s.script.friendlyUniqueId}`);
    }
  }

  private readonly certificates: AcmCertificate[] = [];
  private readonly validations: AcmCertificateValidation[] = [];

  /**
   * An ACM certificate for the public names in the region, and the HTTPS listener using it once
   * valid, with the service routes and, where a Cloudflare load balancer probes the region
   * (`probed`), the route of its probes.
   */
  private addOriginTls(environment: Environment, regional: RegionalStack, probed: boolean): void {
    const code = regional.foundation.region.code;
    const loadBalancer = regional.origin.loadBalancer!;
    const provider = new AwsProvider(this, `aws-${code}`, {
      alias: code,
      region: code,
      ...allowedAccounts(environment),
      defaultTags: [{ tags: terraformLiterals({ ...environment.tags, 'stagecraft:region': code }) }],
    });
    const certificate = new AcmCertificate(this, `certificate-${code}`, {
      provider,
      domainName: certificateNames(environment)[0],
      subjectAlternativeNames: certificateNames(environment).slice(1),
      validationMethod: 'DNS',
      keyAlgorithm: 'EC_prime256v1',
      lifecycle: { createBeforeDestroy: true },
    });
    const validation = new AcmCertificateValidation(this, `certificate-${code}-validation`, {
      provider,
      certificateArn: certificate.arn,
    });
    const listener = new LbListener(this, `https-${code}`, {
      provider,
      loadBalancerArn: loadBalancer.arn,
      port: 443,
      protocol: 'HTTPS',
      sslPolicy: ALB_TLS_POLICY,
      certificateArn: validation.certificateArn,
      // Only the zone's client certificate (authenticated origin pulls) opens a connection (docs/origin-trust.md).
      ...(loadBalancer.trustStoreArn ? { mutualAuthentication: { mode: 'verify', trustStoreArn: loadBalancer.trustStoreArn } } : {}),
      // A request no rule takes (another host, the ALB's own name) reaches no service.
      defaultAction: [{ type: 'fixed-response', fixedResponse: { contentType: 'text/plain', messageBody: 'not found', statusCode: '404' } }],
    });
    addServiceRoutes(this, `https-${code}`, { provider, listener, domain: environment.domain, routes: loadBalancer.routes });
    const health = originHealthRoute(loadBalancer.routes);
    if (probed && health)
      addOriginHealthRoute(this, `https-${code}`, { provider, listener, originHost: originHostname(code, environment.domain), route: health });
    this.certificates.push(certificate);
    this.validations.push(validation);
  }

  /**
   * One Cloudflare record per name being validated, without a leading `*.`: ACM gives the apex
   * and its wildcard the same record, and, within one account, every region too. The keys are
   * the domain names the certificates are requested for, known when the stack is written; the
   * record's name and value come from the certificates once they exist. (Keyed by the record
   * name, as before, terraform refuses the plan: F1 of the 2026-12-07 review.)
   */
  private addValidationRecords(zone: EdgeZone, domains: readonly string[]): void {
    if (this.certificates.length === 0) return;
    const addresses = this.certificates.map((c) => `aws_acm_certificate.${c.friendlyUniqueId}`);
    const records = new DnsRecord(this, 'acm-validation', {
      zoneId: zone.zoneId,
      name: acmValidationValue(addresses, 'resource_record_name'),
      type: acmValidationValue(addresses, 'resource_record_type'),
      content: acmValidationValue(addresses, 'resource_record_value'),
      proxied: false,
      ttl: 300,
      comment: 'ACM certificate validation, managed by stagecraft',
    });
    records.addOverride('for_each', acmValidationForEach(domains));
    // `depends_on`, not `node.addDependency`: cdktf does not render construct dependencies between resources.
    this.validations.forEach((v) => (v.dependsOn = [...(v.dependsOn ?? []), `cloudflare_dns_record.${records.friendlyUniqueId}`]));
  }
}

/**
 * The `for_each` of the ACM validation records: the names the certificates are requested for,
 * without a leading `*.`, as a set of literals (domain names are validated hostnames).
 */
export function acmValidationForEach(domains: readonly string[]): string {
  const names = [...new Set(domains.map((d) => d.replace(/^\*\./, '')))];
  return `\${toset([${names.map((n) => JSON.stringify(n)).join(', ')}])}`;
}

/**
 * One attribute of the validation record for `each.key`, from every certificate's options:
 * `one(distinct(…))`, so certificates that disagree fail the apply with a clear error instead of
 * creating a wrong record.
 */
export function acmValidationValue(certificateAddresses: readonly string[], attribute: string): string {
  const options = certificateAddresses.map((address) => `tolist(${address}.domain_validation_options)`).join(', ');
  return `\${one(distinct([for option in concat(${options}) : option.${attribute} if trimprefix(option.domain_name, "*.") == each.key]))}`;
}
