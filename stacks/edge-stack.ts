/**
 * `<env>-edge`: what faces the internet. Cloudflare DNS for the product's hosts and, on
 * cluster stages, the origin TLS: an ACM certificate per region (validated through
 * Cloudflare DNS) and the ALB's HTTPS listener that uses it. Keeping certificates here
 * means no stack waits on another stack's DNS: regional → edge is the only dependency.
 *
 * The Cloudflare API token is read from CLOUDFLARE_API_TOKEN at deploy time.
 */
import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataCloudflareZone } from '@cdktf/provider-cloudflare/lib/data-cloudflare-zone';
import { DnsRecord } from '@cdktf/provider-cloudflare/lib/dns-record';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { Environment } from '../config/environment';
import { configureBackend, StateLocation } from './backend';
import { RegionalStack } from './regional-stack';

/** TLS 1.3 preferred, 1.2 minimum, forward-secret ciphers only. */
export const ALB_TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

/** TTL 1 means "automatic" to Cloudflare (required for proxied records). */
const AUTOMATIC_TTL = 1;

export interface EdgeStackProps {
  readonly environment: Environment;
  readonly regions: readonly RegionalStack[];
  readonly state: StateLocation;
}

export class EdgeStack extends TerraformStack {
  readonly stackName: string;
  readonly records: DnsRecord[] = [];

  constructor(scope: Construct, props: EdgeStackProps) {
    const { environment } = props;
    const stackName = `${environment.name}-edge`;
    super(scope, stackName);
    this.stackName = stackName;
    configureBackend(this, stackName, environment.backend, props.state);
    new CloudflareProvider(this, 'cloudflare', {});
    const zone = new DataCloudflareZone(this, 'zone', { filter: { name: environment.domain } });
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
      record(`origin-${code}`, `origin-${code}.${environment.domain}`, 'CNAME', loadBalancer.dnsName);
      this.addOriginTls(environment, regional);
    }
    if (primary.origin.loadBalancer) record('apex', environment.domain, 'CNAME', primary.origin.loadBalancer.dnsName);
    record('www', `www.${environment.domain}`, 'CNAME', environment.domain);
    record('api', `api.${environment.domain}`, 'CNAME', environment.domain);
    this.addValidationRecords(zone);
  }

  private readonly certificates: AcmCertificate[] = [];
  private readonly validations: AcmCertificateValidation[] = [];

  /** An ACM certificate for the public names in the region, and the HTTPS listener using it once valid. */
  private addOriginTls(environment: Environment, regional: RegionalStack): void {
    const code = regional.foundation.region.code;
    const loadBalancer = regional.origin.loadBalancer!;
    const provider = new AwsProvider(this, `aws-${code}`, {
      alias: code,
      region: code,
      defaultTags: [{ tags: { ...environment.tags, 'stagecraft:region': code } }],
    });
    const certificate = new AcmCertificate(this, `certificate-${code}`, {
      provider,
      domainName: environment.domain,
      subjectAlternativeNames: [`*.${environment.domain}`],
      validationMethod: 'DNS',
      keyAlgorithm: 'EC_prime256v1',
      lifecycle: { createBeforeDestroy: true },
    });
    const validation = new AcmCertificateValidation(this, `certificate-${code}-validation`, {
      provider,
      certificateArn: certificate.arn,
    });
    new LbListener(this, `https-${code}`, {
      provider,
      loadBalancerArn: loadBalancer.arn,
      port: 443,
      protocol: 'HTTPS',
      sslPolicy: ALB_TLS_POLICY,
      certificateArn: validation.certificateArn,
      defaultAction: [{ type: 'forward', targetGroupArn: loadBalancer.targetGroupArn }],
    });
    this.certificates.push(certificate);
    this.validations.push(validation);
  }

  /**
   * One Cloudflare record per distinct validation CNAME. The apex and the wildcard (and,
   * within one account, every region) share a record, so records are grouped by name.
   */
  private addValidationRecords(zone: DataCloudflareZone): void {
    if (this.certificates.length === 0) return;
    const options = this.certificates.map((c) => `tolist(aws_acm_certificate.${c.friendlyUniqueId}.domain_validation_options)`).join(', ');
    const records = new DnsRecord(this, 'acm-validation', {
      zoneId: zone.zoneId,
      name: '${each.value[0].resource_record_name}',
      type: '${each.value[0].resource_record_type}',
      content: '${each.value[0].resource_record_value}',
      proxied: false,
      ttl: 300,
      comment: 'ACM certificate validation, managed by stagecraft',
    });
    records.addOverride('for_each', `\${{ for option in concat(${options}) : option.resource_record_name => option... }}`);
    // `depends_on`, not `node.addDependency`: cdktf does not render construct dependencies between resources.
    this.validations.forEach((v) => (v.dependsOn = [...(v.dependsOn ?? []), `cloudflare_dns_record.${records.friendlyUniqueId}`]));
  }
}
