/**
 * No security group admits the whole internet (Checkov CKV_AWS_24/25/260, cdk-nag EC23). Web
 * traffic comes from Cloudflare's ranges through a prefix list; nothing else is public.
 */
import { ResourceRule, ResourceView } from '../../types';
import { asStrings, isExpression, read, readAll } from '../../../synthesis/values';
import { compliant, couldNotEvaluate, nonCompliant, notApplicable } from '../../outcomes';

const WORLD = ['0.0.0.0/0', '::/0'];

/** The CIDR arguments of each rule-like object a resource holds, with where they are. */
function cidrSources(resource: ResourceView): Array<{ where: string; cidrs: unknown[] }> {
  switch (resource.type) {
    case 'aws_vpc_security_group_ingress_rule':
      return [{ where: '', cidrs: [resource.values.cidr_ipv4, resource.values.cidr_ipv6] }];
    case 'aws_security_group_rule':
      return resource.values.type === 'ingress' ? [{ where: '', cidrs: [resource.values.cidr_blocks, resource.values.ipv6_cidr_blocks] }] : [];
    default: {
      const rules = readAll(resource.values, 'ingress').flatMap((r) => (Array.isArray(r) ? r : [r])) as Array<Record<string, unknown>>;
      return rules.map((r, i) => ({ where: `ingress[${i}] `, cidrs: [r.cidr_blocks, r.ipv6_cidr_blocks] }));
    }
  }
}

export const SecurityGroupNoWorldIngress: ResourceRule = {
  id: 'SC-PUB-1',
  name: 'SecurityGroupNoWorldIngress',
  family: 'public-exposure',
  scope: 'resource',
  resourceTypes: ['aws_vpc_security_group_ingress_rule', 'aws_security_group_rule', 'aws_security_group'],
  description: 'No ingress rule (standalone or inline) admits 0.0.0.0/0 or ::/0.',
  evaluate(resource) {
    if (resource.type === 'aws_security_group_rule' && read(resource.values, 'type').kind === 'value' && resource.values.type !== 'ingress') {
      return notApplicable('an egress rule');
    }
    const sources = cidrSources(resource);
    if (sources.length === 0) return notApplicable('no ingress rules');
    for (const source of sources) {
      const values = source.cidrs.flatMap((c) => (Array.isArray(c) ? c : [c])).filter((c) => c !== undefined && c !== null);
      const open = asStrings(values).find((c) => WORLD.includes(c));
      if (open) {
        const { from_port: from, to_port: to } = resource.values;
        const ports =
          resource.type === 'aws_security_group'
            ? ''
            : from === undefined
              ? ' on every port'
              : from === to || to === undefined
                ? ` on port ${String(from)}`
                : ` on ports ${String(from)}–${String(to)}`;
        return nonCompliant(`${source.where}admits ${open}${ports}; admit security groups or a prefix list (Cloudflare's ranges) instead`);
      }
      const expression = values.find(isExpression);
      if (expression) return couldNotEvaluate(`${source.where}the source CIDR is the unresolved expression "${String(expression)}"`);
    }
    return compliant();
  },
};
