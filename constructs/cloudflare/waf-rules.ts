import { Construct } from 'constructs';
import { Ruleset } from '@cdktf/provider-cloudflare/lib/ruleset';
import { EdgeZone } from './edge-zone';
import { literal, NORMALIZED_PATH, pathMatchers } from './path-match';
import { CLOUDFLARE_PLAN_LIMITS } from '../../config/cloudflare-plans';

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
 * scanner probes for secrets, and paths whose encoding different servers read differently (the
 * edge Worker refuses the same ones with 400). Probes are matched on the normalized path, so
 * `/.ENV` or `/%2Egit` are blocked too. The ambiguous-encoding rule uses a regular expression
 * where the plan has `matches` (Business, Enterprise) and `contains` tests otherwise; there it
 * also blocks an encoded slash next to a slash, the one spelling of a limited path the rate
 * limits of those plans cannot count (path-match.ts). (Body size is the edge Worker's check, which answers 413.)
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
          expression: blockedPathFragments.map((f) => `${NORMALIZED_PATH} contains ${literal(f.toLowerCase())}`).join(' or '),
          action: 'block',
          enabled: true,
        },
        {
          ref: 'block_ambiguous_path_encoding',
          description: 'paths encoded so that servers disagree on what they name (double encoding, hidden dot segments)',
          expression: pathMatchers(CLOUDFLARE_PLAN_LIMITS[props.zone.subscription.plan].regex).ambiguous,
          action: 'block',
          enabled: true,
        },
      ],
    });
  }
}
