import { Construct } from 'constructs';
import { Ruleset } from '@cdktf/provider-cloudflare/lib/ruleset';
import { EdgeZone } from './edge-zone';

/** Props of WafRules. */
export interface WafRulesProps {
  readonly zone: EdgeZone;
  /** Methods the product serves; anything else is blocked. @default GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS */
  readonly allowedMethods?: readonly string[];
  /** Path fragments no legitimate request contains (scanners probing for secrets). @default ["/.env", "/.git", "/wp-admin", "/wp-login.php"] */
  readonly blockedPathFragments?: readonly string[];
}

/**
 * WAF custom rules, evaluated before rate limits: block methods the product does not serve
 * and scanner probes for secrets. (Body size is the edge Worker's check, which answers 413.)
 */
export class WafRules extends Construct {
  readonly ruleset: Ruleset;

  constructor(scope: Construct, id: string, props: WafRulesProps) {
    super(scope, id);
    const allowedMethods = props.allowedMethods ?? ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
    const blockedPathFragments = props.blockedPathFragments ?? ['/.env', '/.git', '/wp-admin', '/wp-login.php'];
    const quoted = (values: readonly string[]) => values.map((v) => JSON.stringify(v)).join(' ');
    this.ruleset = new Ruleset(this, 'custom', {
      zoneId: props.zone.zoneId,
      name: 'stagecraft WAF custom rules',
      description: 'Blocks what no legitimate client sends',
      kind: 'zone',
      phase: 'http_request_firewall_custom',
      rules: [
        {
          ref: 'block_unknown_methods',
          description: 'methods the product does not serve',
          expression: `not http.request.method in {${quoted(allowedMethods)}}`,
          action: 'block',
          enabled: true,
        },
        {
          ref: 'block_secret_probes',
          description: 'scanners probing for secrets and admin pages',
          expression: blockedPathFragments.map((f) => `http.request.uri.path contains ${JSON.stringify(f)}`).join(' or '),
          action: 'block',
          enabled: true,
        },
      ],
    });
  }
}
