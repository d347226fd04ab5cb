/**
 * Whoever runs `cdktf deploy` of an apps stack reaches its cluster's API: the kubernetes provider
 * plans and applies through it. Either the public endpoint is on, restricted to the deployers'
 * egress ranges (SC-PUB-3 refuses a /0), or the cluster is private and names its deployer inside
 * the environment's VPCs (`compute.privateApiDeployer`, the `stagecraft:api-deployer` tag). The
 * issue 15 review found the massive clusters private with neither: no deployer outside the VPCs
 * could reach them, and nothing in the environment said where one inside would run
 * (docs/cluster-access.md).
 */
import { ResourceRule } from '../../types';
import { asBoolean, asStrings, read } from '../../../synthesis/values';
import { compliant, couldNotEvaluate, nonCompliant } from '../../outcomes';

/** The cluster tag naming the in-VPC deployer (constructs/aws/eks-cluster.ts API_DEPLOYER_TAG). */
const DEPLOYER_TAG = 'stagecraft:api-deployer';

export const EksApiReachableByDeployer: ResourceRule = {
  id: 'SC-PUB-14',
  name: 'EksApiReachableByDeployer',
  family: 'public-exposure',
  scope: 'resource',
  resourceTypes: ['aws_eks_cluster'],
  description:
    'EKS clusters are reachable by whoever deploys their apps stack: a public endpoint restricted to listed CIDRs, or a private one whose in-VPC deployer is named (tag stagecraft:api-deployer).',
  evaluate(cluster) {
    const publicAccess = read(cluster.values, 'vpc_config.endpoint_public_access');
    if (publicAccess.kind === 'expression')
      return couldNotEvaluate(`vpc_config.endpoint_public_access is the unresolved expression "${publicAccess.expression}"`);
    const isPublic = publicAccess.kind === 'absent' ? true : asBoolean(publicAccess.value) !== false;
    if (isPublic) {
      const cidrs = read(cluster.values, 'vpc_config.public_access_cidrs');
      if (cidrs.kind === 'expression') return couldNotEvaluate(`vpc_config.public_access_cidrs is the unresolved expression "${cidrs.expression}"`);
      if (cidrs.kind === 'value' && asStrings(cidrs.value).length > 0) return compliant();
    }
    const tag = read(cluster.values, `tags.${DEPLOYER_TAG}`);
    if (tag.kind === 'value' && typeof tag.value === 'string' && tag.value.trim().length > 0) return compliant();
    if (tag.kind === 'expression') return couldNotEvaluate(`tags.${DEPLOYER_TAG} is the unresolved expression "${tag.expression}"`);
    return nonCompliant(
      isPublic
        ? "the public API endpoint lists no public_access_cidrs; list the deployers' egress ranges (compute.publicApiCidrs)"
        : `the API endpoint is private and no deployer inside the environment's VPCs is named, so \`cdktf deploy\` of the apps stack from outside cannot reach it; set compute.publicApiCidrs to the deployers' egress ranges, or name the in-VPC deployer in compute.privateApiDeployer (tag ${DEPLOYER_TAG})`,
    );
  },
};
