/**
 * A zone that proxies to origins of its own (A records to the hosts, CNAMEs to the ALBs) enables
 * authenticated origin pulls with the zone's own client certificate, and removes a client's
 * `X-Stagecraft-User` unless this zone's Worker set it. Without them the origins cannot tell
 * this zone's traffic from any other Cloudflare customer's, and a client can name its own user
 * (review finding S1; docs/origin-trust.md).
 */
import { StackOutcome, StackRule } from '../../types';
import { asBoolean } from '../../../synthesis/values';

/** The header only the edge Worker may set (workers/edge/contract.ts). */
const USER_HEADER = 'x-stagecraft-user';

export const ZoneAuthenticatedOriginPulls: StackRule = {
  id: 'SC-PUB-12',
  name: 'ZoneAuthenticatedOriginPulls',
  family: 'public-exposure',
  scope: 'stack',
  description: `Edge stacks with proxied origin records enable authenticated origin pulls and remove a client's ${USER_HEADER} unless the zone's Worker set it.`,
  evaluate(stack) {
    const origins = stack
      .resources('cloudflare_dns_record')
      .filter((r) => asBoolean((r.values as Record<string, unknown>).proxied) === true)
      .filter((r) => ['A', 'AAAA', 'CNAME'].includes(String((r.values as Record<string, unknown>).type)));
    if (origins.length === 0) return [{ status: 'not-applicable', reason: 'no proxied origin records' }];
    const problems: string[] = [];
    const pulls = stack.resources('cloudflare_authenticated_origin_pulls_settings');
    if (!pulls.some((p) => asBoolean((p.values as Record<string, unknown>).enabled) === true)) {
      problems.push(
        "authenticated origin pulls are not enabled (cloudflare_authenticated_origin_pulls_settings.enabled); upload the zone's client certificate and set edge.originPullCa (docs/origin-trust.md)",
      );
    }
    const strips = stack
      .resources('cloudflare_ruleset')
      .filter((r) => (r.values as Record<string, unknown>).phase === 'http_request_late_transform')
      .some((r) =>
        (
          (
            r.values as {
              rules?: Array<{
                action?: string;
                enabled?: unknown;
                expression?: string;
                action_parameters?: { headers?: Record<string, { operation?: string }> };
              }>;
            }
          ).rules ?? []
        ).some(
          (rule) =>
            rule.action === 'rewrite' &&
            asBoolean(rule.enabled ?? true) === true &&
            /cf\.worker\.upstream_zone ne "/.test(String(rule.expression)) &&
            rule.action_parameters?.headers?.[USER_HEADER]?.operation === 'remove',
        ),
      );
    if (!strips) problems.push(`no request header rule removes a client's ${USER_HEADER} (cf.worker.upstream_zone ne "<zone>")`);
    const outcome: StackOutcome = problems.length === 0 ? { status: 'compliant' } : { status: 'non-compliant', message: problems.join('; ') };
    return [outcome];
  },
};
