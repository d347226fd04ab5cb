/** The security group of a data store, and the ingress rules that admit its clients. */
import { Construct } from 'constructs';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Network } from './network';
import { SecurityGroupRef } from './security-group-ref';

/** Props of a ClientAccess. */
export interface ClientAccessProps {
  /** Name of the security group, and the start of every rule's Name tag. */
  readonly name: string;
  /** The service as rule descriptions name it, e.g. `PostgreSQL`: `PostgreSQL clients: <id>`. */
  readonly service: string;
  /** Description of the security group. @default "<service>: clients by security group only" */
  readonly groupDescription?: string;
  /** The group goes into the network's VPC. */
  readonly network: Network;
  /**
   * Ports `allowFrom` opens: one port, whose rules are keyed `ingress-<id>`, or ports by
   * label, whose rules are keyed `ingress-<id>-<label>`.
   */
  readonly clientPorts: number | Readonly<Record<string, number>>;
  /** Security groups admitted at once, as `client-<position>`. @default none */
  readonly clientSecurityGroups?: readonly SecurityGroupRef[];
}

/**
 * Not a construct of its own: the group (`security-group`) and the rules (`ingress-…`) are
 * created in `scope`, the data store, so their ids and Terraform addresses are the store's.
 * The group has no rule of its own: no inline ingress, and no egress, which no data store
 * needs (Terraform removes AWS's default allow-all).
 */
export class ClientAccess {
  readonly securityGroup: SecurityGroup;
  /** Every rule created so far, in order. */
  readonly ingressRules: VpcSecurityGroupIngressRule[] = [];

  private readonly scope: Construct;
  private readonly name: string;
  private readonly service: string;
  private readonly clientPorts: number | Readonly<Record<string, number>>;

  constructor(scope: Construct, props: ClientAccessProps) {
    const groupDescription = props.groupDescription ?? `${props.service}: clients by security group only`;
    const clientSecurityGroups = props.clientSecurityGroups ?? [];
    this.scope = scope;
    this.name = props.name;
    this.service = props.service;
    this.clientPorts = props.clientPorts;

    this.securityGroup = new SecurityGroup(scope, 'security-group', {
      name: props.name,
      description: groupDescription,
      vpcId: props.network.vpc.id,
      tags: { Name: props.name },
    });
    clientSecurityGroups.forEach((sg, i) => this.allowFrom(sg, `client-${i}`));
  }

  /** Lets `sg` connect on every client port. `id` names the rules and must be unique in the scope. */
  allowFrom(sg: SecurityGroupRef, id: string): VpcSecurityGroupIngressRule[] {
    if (typeof this.clientPorts === 'number') return [this.allowPort(sg, id, this.clientPorts)];
    return Object.entries(this.clientPorts).map(([label, port]) => this.allowPort(sg, id, port, label));
  }

  /**
   * Lets `sg` connect on one port: rule `ingress-<id>`, or `ingress-<id>-<label>` with a label,
   * which the description and Name tag carry too.
   */
  allowPort(sg: SecurityGroupRef, id: string, port: number, label?: string): VpcSecurityGroupIngressRule {
    const key = label === undefined ? id : `${id}-${label}`;
    const rule = new VpcSecurityGroupIngressRule(this.scope, `ingress-${key}`, {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: sg.id,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      description: label === undefined ? `${this.service} clients: ${id}` : `${this.service} ${label} clients: ${id}`,
      tags: { Name: `${this.name}-${key}` },
    });
    this.ingressRules.push(rule);
    return rule;
  }
}
