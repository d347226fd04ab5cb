/**
 * An ALB's HTTPS listener verifies client certificates against the zone's origin-pull CA (mTLS
 * `verify` mode with a trust store): only this zone's Cloudflare, which presents the zone's own
 * client certificate, can open a connection. A Cloudflare address allowlist alone lets any
 * Cloudflare customer's zone reach the ALB and skip this zone's WAF, rate limits and Worker
 * (review finding S1; docs/origin-trust.md).
 */
import { ResourceRule } from '../../types';
import { read } from '../../../synthesis/values';
import { couldNotEvaluate, expect, notApplicable } from '../../outcomes';

export const LoadBalancerListenerVerifiesClients: ResourceRule = {
  id: 'SC-PUB-11',
  name: 'LoadBalancerListenerVerifiesClients',
  family: 'public-exposure',
  scope: 'resource',
  resourceTypes: ['aws_lb_listener', 'aws_alb_listener'],
  description: 'HTTPS listeners set mutual_authentication { mode = "verify", trust_store_arn } (the zone\'s origin-pull CA).',
  evaluate(listener) {
    const protocol = read(listener.values, 'protocol');
    if (protocol.kind === 'expression') return couldNotEvaluate(`protocol is the unresolved expression "${protocol.expression}"`);
    if (protocol.kind !== 'value' || protocol.value !== 'HTTPS') return notApplicable('not an HTTPS listener');
    const trustStore = read(listener.values, 'mutual_authentication.trust_store_arn');
    return expect(
      listener.values,
      'mutual_authentication.mode',
      (mode) => mode === 'verify' && trustStore.kind !== 'absent',
      "set edge.originPullCa to the zone's origin-pull CA (docs/origin-trust.md): the listener then verifies Cloudflare's client certificate",
    );
  },
};
