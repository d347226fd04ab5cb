/** Load balancer listeners on plain HTTP only redirect to HTTPS (Checkov CKV2_AWS_20, cdk-nag ELB2-style). */
import { ResourceRule } from '../../types';
import { read, readAll } from '../../../synthesis/values';
import { compliant, couldNotEvaluate, nonCompliant, notApplicable } from '../../outcomes';

export const HttpListenerRedirectsToHttps: ResourceRule = {
  id: 'SC-EIT-7',
  name: 'HttpListenerRedirectsToHttps',
  family: 'encryption-in-transit',
  scope: 'resource',
  resourceTypes: ['aws_lb_listener', 'aws_alb_listener'],
  description: 'A listener with protocol HTTP has only redirect actions, to protocol HTTPS.',
  evaluate(listener) {
    const protocol = read(listener.values, 'protocol');
    if (protocol.kind === 'expression') return couldNotEvaluate(`protocol is the unresolved expression "${protocol.expression}"`);
    if (protocol.kind !== 'value' || protocol.value !== 'HTTP') return notApplicable('not a plain HTTP listener');
    const actions = readAll(listener.values, 'default_action').flatMap((a) => (Array.isArray(a) ? a : [a])) as Array<Record<string, unknown>>;
    const toHttps = (a: Record<string, unknown>): boolean => {
      const target = read(a, 'redirect.protocol');
      return a.type === 'redirect' && target.kind === 'value' && target.value === 'HTTPS';
    };
    const bad = actions.filter((a) => !toHttps(a));
    if (actions.length === 0) return nonCompliant('the HTTP listener has no default_action; make it redirect to HTTPS');
    return bad.length === 0
      ? compliant()
      : nonCompliant(`the HTTP listener serves traffic in clear (default_action type "${String(bad[0].type)}"); make it redirect to HTTPS`);
  },
};
