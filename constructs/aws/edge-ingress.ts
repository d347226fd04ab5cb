/** Web ingress that only Cloudflare's edge may use: ports 80 and 443 from its prefix list. */
import { Construct } from 'constructs';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';

export const WEB_PORTS = [80, 443] as const;

/** Adds `<idPrefix>-80` and `<idPrefix>-443` ingress rules to `securityGroup`, sourced from the prefix list. */
export function allowWebFromEdge(scope: Construct, idPrefix: string, securityGroup: SecurityGroup, prefixListId: string): VpcSecurityGroupIngressRule[] {
  return WEB_PORTS.map(
    (port) =>
      new VpcSecurityGroupIngressRule(scope, `${idPrefix}-${port}`, {
        securityGroupId: securityGroup.id,
        prefixListId,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        description: 'Cloudflare edge',
      }),
  );
}
