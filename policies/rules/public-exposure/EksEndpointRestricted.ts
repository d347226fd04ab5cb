/**
 * The EKS API is private, or public only to listed ranges (Checkov CKV_AWS_38/39, cdk-nag EKS1).
 * The provider's default is a public endpoint open to 0.0.0.0/0.
 */
import { ResourceRule } from '../../types';
import { asBoolean, asStrings, read } from '../../../synthesis/values';
import { compliant, couldNotEvaluate, nonCompliant } from '../../outcomes';

export const EksEndpointRestricted: ResourceRule = {
  id: 'SC-PUB-3',
  name: 'EksEndpointRestricted',
  family: 'public-exposure',
  scope: 'resource',
  resourceTypes: ['aws_eks_cluster'],
  description: 'EKS clusters set endpoint_public_access = false, or list public_access_cidrs without a /0.',
  evaluate(cluster) {
    const publicAccess = read(cluster.values, 'vpc_config.endpoint_public_access');
    if (publicAccess.kind === 'expression')
      return couldNotEvaluate(`vpc_config.endpoint_public_access is the unresolved expression "${publicAccess.expression}"`);
    const isPublic = publicAccess.kind === 'absent' ? true : asBoolean(publicAccess.value) !== false;
    if (!isPublic) return compliant();
    const cidrs = read(cluster.values, 'vpc_config.public_access_cidrs');
    if (cidrs.kind === 'expression') return couldNotEvaluate(`vpc_config.public_access_cidrs is the unresolved expression "${cidrs.expression}"`);
    const list = cidrs.kind === 'value' ? asStrings(cidrs.value) : [];
    if (list.length === 0)
      return nonCompliant(
        'the public API endpoint is on and public_access_cidrs is not set, so it is open to 0.0.0.0/0; list office or VPN ranges, or turn the public endpoint off',
      );
    const open = list.find((c) => c.endsWith('/0'));
    return open ? nonCompliant(`public_access_cidrs contains ${open}; list office or VPN ranges`) : compliant();
  },
};
