/**
 * Test helpers for constructs that need what a regional stack gives every data store: an
 * encryption key, a network and an alarm topic. Plus lookups into the synthesized JSON.
 */
import { Construct } from 'constructs';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { NatStrategy } from '../../config/environment';
import { AlarmTopic } from '../../constructs/aws/alarm-topic';
import { EncryptionKey } from '../../constructs/aws/encryption-key';
import { Network } from '../../constructs/aws/network';
import { synthAws, SynthesizedStack } from './synth';

/** The `namePrefix` every test construct gets. */
export const NAME_PREFIX = 'acme-us-east-1';
export const TWO_ZONES: readonly string[] = ['use1-az1', 'use1-az2'];
export const THREE_ZONES: readonly string[] = ['use1-az1', 'use1-az2', 'use1-az4'];

/** What a data store is built on. */
export interface Foundation {
  readonly encryptionKey: EncryptionKey;
  readonly network: Network;
  readonly alarms: AlarmTopic;
}

/** Options of the test network. */
export interface NetworkOptions {
  /** Zone IDs of the network. @default THREE_ZONES */
  readonly zones?: readonly string[];
  /** @default "none" */
  readonly natGateways?: NatStrategy;
}

/** The test key, `key` (description `test`, us-east-1). */
export function buildKey(scope: Construct): EncryptionKey {
  return new EncryptionKey(scope, 'key', { alias: 'test', description: 'test', region: 'us-east-1' });
}

/** The test network, `network`: 10.16.0.0/16 in us-east-1. */
export function buildNetwork(scope: Construct, encryptionKey: EncryptionKey, options: NetworkOptions = {}): Network {
  return new Network(scope, 'network', {
    namePrefix: NAME_PREFIX,
    region: 'us-east-1',
    cidr: '10.16.0.0/16',
    availabilityZoneIds: options.zones ?? THREE_ZONES,
    natGateways: options.natGateways ?? 'none',
    encryptionKey,
  });
}

/** The key (`key`), the network (`network`) and the alarm topic (`alarms`), in that order. */
export function buildFoundation(scope: Construct, options: NetworkOptions = {}): Foundation {
  const encryptionKey = buildKey(scope);
  const network = buildNetwork(scope, encryptionKey, options);
  const alarms = new AlarmTopic(scope, 'alarms', { name: 'alarms', encryptionKey });
  return { encryptionKey, network, alarms };
}

/** Builds the foundation and then `build` on it in a fresh AWS stack, and synthesizes the stack. */
export function synthWithFoundation(build: (scope: Construct, foundation: Foundation) => void, options: NetworkOptions = {}): SynthesizedStack {
  return synthAws((scope) => build(scope, buildFoundation(scope, options)));
}

/** A client security group whose id and name are `name`; in the network's VPC when one is given. */
export function clientGroup(scope: Construct, name: string, network?: Network): SecurityGroup {
  return new SecurityGroup(scope, name, network ? { name, vpcId: network.vpc.id } : { name });
}

/** The logical name of the resource of `type` whose `field` is `value`; throws when there is none. */
export function logicalName(stack: SynthesizedStack, type: string, field: string, value: unknown): string {
  const entry = Object.entries(stack.resources[type] ?? {}).find(([, r]) => r[field] === value);
  if (!entry) throw new Error(`no ${type} with ${field} = ${String(value)}`);
  return entry[0];
}

/** The arguments of the resource of `type` whose `field` is `value`; throws when there is none. */
export function resourceWhere(stack: SynthesizedStack, type: string, field: string, value: unknown): Record<string, unknown> {
  return stack.resources[type][logicalName(stack, type, field, value)];
}

/** `${aws_kms_key.<name>.arn}`: the ARN of the test key, as arguments reference it. */
export function keyArnOf(stack: SynthesizedStack): string {
  return `\${aws_kms_key.${logicalName(stack, 'aws_kms_key', 'description', 'test')}.arn}`;
}

/** `${aws_security_group.<name>.id}` of the group named `name`. */
export function securityGroupIdOf(stack: SynthesizedStack, name: string): string {
  return `\${aws_security_group.${logicalName(stack, 'aws_security_group', 'name', name)}.id}`;
}

/** `${aws_subnet.<name>.id}` of every data subnet, in order. */
export function dataSubnetIdsOf(stack: SynthesizedStack): string[] {
  return Object.entries(stack.resources.aws_subnet)
    .filter(([, s]) => (s.tags as Record<string, string>)['stagecraft:tier'] === 'data')
    .map(([name]) => `\${aws_subnet.${name}.id}`);
}

/** The logical name of the security group a rule admits: `app` for `${aws_security_group.app.id}`. */
export function referencedGroup(rule: Record<string, unknown>): string {
  return String(rule.referenced_security_group_id).split('.')[1];
}
