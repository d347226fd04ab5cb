/**
 * On launch and traction the hosts run the product with docker compose, and a host's user_data
 * runs at its first boot only (and the hosts ignore changes to it): a compose file delivered
 * there never brings a new image to a running host (issue 18, docs/releases.md). So each host's
 * release is delivered: the compose file is an S3 object, a State Manager association targets
 * the host (by instance id, or by a tag the host carries) and names the object, and the host's
 * instance role may read the object.
 */
import { decodePolicy, statements, stringList } from '../../../synthesis/policy-document';
import { isSingleHostStage } from '../../../config/stages';
import { record } from '../../../synthesis/values';
import { wildcardRegExp } from '../../../synthesis/wildcard';
import { ResourceView, StackOutcome, StackRule, StackView } from '../../types';
import { launchTemplateOf } from '../helpers';
import { RELEASE_COMPOSE_KEY } from '../request-path/host-compose';

const mentions = (text: string, resource: ResourceView) => new RegExp(`\\$\\{[^}]*\\b${resource.address.replace(/[.*+?^$()[\]{}|\\]/g, '\\$&')}\\.`).test(text);

/** Every string inside a value, joined: what an association's parameters say. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(text).join('\n');
  const object = record(value);
  return object ? Object.values(object).map(text).join('\n') : '';
}

/** The association's targets, as `{ key, values }`. */
function targets(association: ResourceView): Array<{ key: string; values: unknown[] }> {
  const raw = association.values.targets;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.map((t) => ({ key: String(record(t)?.key ?? ''), values: (record(t)?.values as unknown[] | undefined) ?? [] }));
}

/** Whether the association runs on the host: its instance id, or a tag the host has. */
function targetsHost(association: ResourceView, host: ResourceView, stack: StackView): boolean {
  const tags = record(host.values.tags) ?? {};
  return targets(association).some(({ key, values }) => {
    if (key === 'InstanceIds') return values.some((v) => stack.referenced(v)?.address === host.address);
    const tag = /^tag:(.+)$/.exec(key)?.[1];
    return tag !== undefined && values.some((v) => tags[tag] === v);
  });
}

/** The instance role of a host: launch template (or the instance) → instance profile → role. */
function roleOf(host: ResourceView, stack: StackView): ResourceView | undefined {
  const template = launchTemplateOf(host, stack);
  const profileRef =
    record(template?.values.iam_instance_profile)?.arn ?? record(template?.values.iam_instance_profile)?.name ?? host.values.iam_instance_profile;
  const profile = stack.referenced(profileRef);
  return profile ? stack.referenced(profile.values.role) : undefined;
}

/** Whether an Allow statement of the role's inline policies lets it get the object (by the bucket's ARN reference or literal name). */
function canRead(role: ResourceView, object: ResourceView, stack: StackView): boolean | 'unresolved' {
  const bucket = stack.referenced(object.values.bucket);
  const key = String(object.values.key);
  const bucketArns = [
    ...(bucket ? [`\${${bucket.address}.arn}`] : []),
    ...[bucket?.values.bucket, object.values.bucket].filter((n): n is string => typeof n === 'string' && !n.includes('${')).map((n) => `arn:aws:s3:::${n}`),
  ];
  let unresolved = false;
  for (const policy of stack.resources('aws_iam_role_policy').filter((p) => stack.referenced(p.values.role)?.address === role.address)) {
    const decoded = decodePolicy(policy.values.policy);
    if ('unresolved' in decoded) {
      unresolved = true;
      continue;
    }
    for (const s of statements(decoded.document)) {
      if (s.Effect !== 'Allow') continue;
      const actions = stringList(s.Action);
      if (!actions.some((a) => wildcardRegExp(a.toLowerCase()).test('s3:getobject') || wildcardRegExp(a.toLowerCase()).test('s3:getobjectversion'))) continue;
      if (
        stringList(s.Resource).some((r) => r === '*' || bucketArns.some((arn) => r.startsWith(`${arn}/`) && wildcardRegExp(r.slice(arn.length + 1)).test(key)))
      )
        return true;
    }
  }
  return unresolved ? 'unresolved' : false;
}

export const HostReleaseDelivered: StackRule = {
  id: 'SC-STG-6',
  name: 'HostReleaseDelivered',
  family: 'stage-aware',
  scope: 'stack',
  description:
    "On launch and traction, each host's compose file is a release delivered to the running host: an S3 object, named by a State Manager association that targets the host, which the host's instance role may read.",
  evaluate(stack) {
    if (!stack.stage || !isSingleHostStage(stack.stage))
      return [{ status: 'not-applicable', reason: `stage ${stack.stage ?? 'unknown'} does not run single hosts` }];
    const hosts = stack.resources('aws_instance');
    if (hosts.length === 0) return [{ status: 'not-applicable', reason: 'no hosts' }];
    const releases = stack.resources('aws_s3_object').filter((o) => typeof o.values.key === 'string' && RELEASE_COMPOSE_KEY.test(o.values.key));
    const associations = stack.resources('aws_ssm_association');
    return hosts.map((host): StackOutcome => {
      const delivering = associations.filter((a) => targetsHost(a, host, stack));
      const named = releases.filter((o) => delivering.some((a) => mentions(text(a.values.parameters), o)));
      if (releases.length === 0)
        return {
          address: host.address,
          status: 'non-compliant',
          message:
            'no compose file is a release object (aws_s3_object …/compose.yaml): a compose file in user_data reaches a host at its first boot only, so a new image never reaches the running host',
        };
      if (delivering.length === 0)
        return {
          address: host.address,
          status: 'non-compliant',
          message: 'no aws_ssm_association targets this host (by InstanceIds or a tag it carries): no release reaches it',
        };
      if (named.length === 0)
        return {
          address: host.address,
          status: 'non-compliant',
          message: `the association(s) that target this host (${delivering.map((a) => a.address).join(', ')}) name no release object: a new compose file does not re-run them`,
        };
      const role = roleOf(host, stack);
      if (!role) return { address: host.address, status: 'non-compliant', message: 'the host has no instance role in this stack to read its release with' };
      const reads = named.map((o) => canRead(role, o, stack));
      if (reads.every((r) => r === true)) return { address: host.address, status: 'compliant' };
      if (reads.includes('unresolved'))
        return { address: host.address, status: 'could-not-evaluate', message: `a policy of ${role.address} is not resolved at synthesis` };
      return {
        address: host.address,
        status: 'non-compliant',
        message: `its role ${role.address} may not s3:GetObject the release ${named.map((o) => o.address).join(', ')}: the host cannot fetch what the association asks it to apply`,
      };
    });
  },
};
