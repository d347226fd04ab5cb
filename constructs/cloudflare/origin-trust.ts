/**
 * What makes the origins trust only this zone (docs/origin-trust.md):
 *
 * - zone-level authenticated origin pulls, enabled once the deployer has uploaded the zone's own
 *   client certificate (its key goes to Cloudflare only, never to Terraform) and declared its id,
 *   which the stack looks up at plan time so a missing upload fails the deploy: Cloudflare then
 *   presents that certificate on every connection to the origins, and the hosts' proxy and the
 *   ALB's mTLS listener refuse any connection without it, so another Cloudflare customer's zone
 *   pointed at our addresses is refused;
 * - a request header rule that removes a client's `X-Stagecraft-User` unless the request is a
 *   subrequest of this zone's own Worker (`cf.worker.upstream_zone`), so the header reaches the
 *   origins only as the Worker set it, on every host, with or without the Worker.
 */
import { Construct } from 'constructs';
import { AuthenticatedOriginPullsSettings } from '@cdktf/provider-cloudflare/lib/authenticated-origin-pulls-settings';
import { DataCloudflareAuthenticatedOriginPullsCertificate } from '@cdktf/provider-cloudflare/lib/data-cloudflare-authenticated-origin-pulls-certificate';
import { Ruleset } from '@cdktf/provider-cloudflare/lib/ruleset';
import { EdgeZone } from './edge-zone';

/** The header the edge Worker sets after validating the session (workers/edge/contract.ts HEADER.user). */
export const EDGE_USER_HEADER = 'x-stagecraft-user';

/** Statuses of an uploaded origin-pull certificate Cloudflare will not present (API `origin_tls_client_auth` status). */
export const FAILED_CERTIFICATE_STATUSES = ['pending_deletion', 'deleted', 'deployment_timed_out', 'deletion_timed_out'] as const;

/** Props of an OriginTrust. */
export interface OriginTrustProps {
  readonly zone: EdgeZone;
  /**
   * Enable zone-level authenticated origin pulls. Only once the zone's own client certificate is
   * uploaded: before that Cloudflare presents its shared certificate, which the origins refuse.
   * @default false
   */
  readonly authenticatedOriginPulls?: boolean;
  /**
   * Id of the zone's uploaded client certificate (the deployer's manual step). When given, the
   * stack reads it at plan time and enables origin pulls only after it: a certificate that is
   * missing fails the plan, one that is not active fails its postcondition, before the origins
   * start refusing Cloudflare. @default none: nothing checks the upload (guardrail SC-PUB-12 fails)
   */
  readonly clientCertificateId?: string;
}

/** The expression of requests whose `X-Stagecraft-User` is not the zone's Worker's own. */
export function foreignUserHeaderExpression(zoneName: string): string {
  return `cf.worker.upstream_zone ne ${JSON.stringify(zoneName)}`;
}

export class OriginTrust extends Construct {
  readonly originPulls?: AuthenticatedOriginPullsSettings;
  /** The uploaded client certificate, looked up at plan time. */
  readonly clientCertificate?: DataCloudflareAuthenticatedOriginPullsCertificate;
  readonly userHeaderRuleset: Ruleset;

  constructor(scope: Construct, id: string, props: OriginTrustProps) {
    super(scope, id);
    if (props.authenticatedOriginPulls ?? false) {
      if (props.clientCertificateId !== undefined) {
        this.clientCertificate = new DataCloudflareAuthenticatedOriginPullsCertificate(this, 'client-certificate', {
          zoneId: props.zone.zoneId,
          certificateId: props.clientCertificateId,
          lifecycle: {
            postcondition: [
              {
                // A deleted or failed certificate would leave Cloudflare presenting none the origins accept.
                condition: `\${${FAILED_CERTIFICATE_STATUSES.map((status) => `self.status != "${status}"`).join(' && ')}}`,
                errorMessage: `the zone's authenticated-origin-pull client certificate ${props.clientCertificateId} is deleted or failed to deploy; upload it again and set edge.originPullCertificateId to the new id (docs/origin-trust.md)`,
              },
            ],
          },
        });
      }
      this.originPulls = new AuthenticatedOriginPullsSettings(this, 'origin-pulls', {
        zoneId: props.zone.zoneId,
        enabled: true,
        dependsOn: this.clientCertificate ? [this.clientCertificate] : undefined,
      });
    }
    this.userHeaderRuleset = new Ruleset(this, 'user-header', {
      zoneId: props.zone.zoneId,
      name: 'stagecraft request headers',
      description: `Only this zone's Worker may set ${EDGE_USER_HEADER}`,
      kind: 'zone',
      phase: 'http_request_late_transform',
      rules: [
        {
          ref: 'strip_client_user_header',
          description: `a client's own ${EDGE_USER_HEADER} never reaches the origins`,
          expression: foreignUserHeaderExpression(props.zone.domain),
          action: 'rewrite',
          actionParameters: { headers: { [EDGE_USER_HEADER]: { operation: 'remove' } } },
          enabled: true,
        },
      ],
    });
  }
}
