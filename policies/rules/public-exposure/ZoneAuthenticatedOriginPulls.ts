/**
 * A zone that proxies to origins of its own (A records to the hosts, CNAMEs to the ALBs) enables
 * authenticated origin pulls with the zone's own client certificate, and removes a client's
 * `X-Stagecraft-User` unless this zone's Worker set it. Without them the origins cannot tell
 * this zone's traffic from any other Cloudflare customer's, and a client can name its own user
 * (review finding S1; docs/origin-trust.md).
 *
 * Issue 15's deploy review added two links. The upload of the zone's client certificate is a
 * manual step: origin pulls are enabled only after a lookup of the declared certificate
 * (`data.cloudflare_authenticated_origin_pulls_certificate`, from edge.originPullCertificateId),
 * so a missing upload fails the plan instead of every connection. And an HTTP(S) load-balancer
 * monitor probes as the zone (`probe_zone`), which is what makes it present the certificate;
 * otherwise the origins refuse the probes and every pool is marked down.
 */
import { StackOutcome, StackRule } from '../../types';
import { asBoolean, asStrings, record } from '../../../synthesis/values';

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
    const enabled = pulls.filter((p) => asBoolean((p.values as Record<string, unknown>).enabled) === true);
    const lookups = Object.keys(record(record(stack.json?.data)?.cloudflare_authenticated_origin_pulls_certificate) ?? {}).map(
      (name) => `data.cloudflare_authenticated_origin_pulls_certificate.${name}`,
    );
    if (enabled.length > 0 && !enabled.every((p) => asStrings(p.values.depends_on).some((d) => lookups.includes(d)))) {
      problems.push(
        "nothing checks that the zone's client certificate was uploaded: set edge.originPullCertificateId to the id the upload returned, so the plan looks it up before enabling authenticated origin pulls (docs/origin-trust.md)",
      );
    }
    const zoneName = Object.values(record(record(stack.json?.data)?.cloudflare_zone) ?? {})
      .map((z) => record(record(z)?.filter)?.name)
      .find((n): n is string => typeof n === 'string');
    if (enabled.length > 0) {
      for (const monitor of stack.resources('cloudflare_load_balancer_monitor')) {
        const type = String((monitor.values as Record<string, unknown>).type ?? 'http');
        const probeZone = (monitor.values as Record<string, unknown>).probe_zone;
        if ((type === 'http' || type === 'https') && (typeof probeZone !== 'string' || (zoneName !== undefined && probeZone !== zoneName))) {
          problems.push(
            `${monitor.address} does not probe as the zone (probe_zone ${zoneName === undefined ? 'unset' : `should be "${zoneName}"`}), so it presents no origin-pull certificate and the origins mark every pool down`,
          );
        }
      }
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
