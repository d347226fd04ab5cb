/** HTTPS and TLS listeners negotiate TLS 1.2 or later (Checkov CKV_AWS_103, cdk-nag ELB TLS policy). */
import { ResourceRule } from '../../types';
import { read } from '../../../synthesis/values';
import { couldNotEvaluate, expect, notApplicable } from '../../outcomes';

/** ELB security policies whose minimum protocol is TLS 1.2 or 1.3. */
export const TLS12_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)/;

export const LoadBalancerListenerTlsPolicy: ResourceRule = {
  id: 'SC-TLS-1',
  name: 'LoadBalancerListenerTlsPolicy',
  family: 'tls',
  scope: 'resource',
  resourceTypes: ['aws_lb_listener', 'aws_alb_listener'],
  description: 'HTTPS and TLS listeners set ssl_policy to a TLS 1.2+ policy (ELBSecurityPolicy-TLS13-1-2-2021-06 or stricter).',
  evaluate(listener) {
    const protocol = read(listener.values, 'protocol');
    if (protocol.kind === 'expression') return couldNotEvaluate(`protocol is the unresolved expression "${protocol.expression}"`);
    if (protocol.kind !== 'value' || !['HTTPS', 'TLS'].includes(String(protocol.value))) return notApplicable('not an HTTPS or TLS listener');
    return expect(
      listener.values,
      'ssl_policy',
      (v) => TLS12_POLICY.test(String(v ?? '')),
      'use ELBSecurityPolicy-TLS13-1-2-2021-06 (TLS 1.3 and 1.2 only); without it the listener accepts TLS 1.0',
    );
  },
};
