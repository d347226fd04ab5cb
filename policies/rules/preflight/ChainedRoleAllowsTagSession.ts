/**
 * EKS Pod Identity tags every session it hands a pod (cluster, namespace, service account, pod)
 * and marks those tags transitive, so when the pod assumes a further role (`aws sts assume-role`,
 * role chaining) STS carries the tags into the new session, and that call needs `sts:TagSession`
 * as well as `sts:AssumeRole`: without it STS refuses with "not authorized to perform:
 * sts:TagSession" (aws/eks-pod-identity-agent#80). IRSA sets no tags, which is why a trust policy
 * that allows only sts:AssumeRole looks right. The search-index-rotation Job assumes the OpenSearch
 * master role this way (issue 15); refused, the Job fails and with it the apps apply.
 *
 * So a role whose trust policy lets a Pod Identity role (one an aws_eks_pod_identity_association
 * of the stack uses) assume it must allow that principal sts:TagSession too, and the Pod Identity
 * role's own policy, where it allows sts:AssumeRole on a role, must allow sts:TagSession on it.
 */
import { ResourceRule, ResourceView, StackView } from '../../types';
import { decodePolicy, JsonValue, statements, stringList } from '../../../synthesis/policy-document';
import { compliant, couldNotEvaluate, nonCompliant, notApplicable } from '../../outcomes';

/** Whether a statement's actions include `action` (exactly, `sts:*` or `*`), case-insensitively. */
function allows(statement: Record<string, JsonValue>, action: string): boolean {
  const wanted = action.toLowerCase();
  return stringList(statement.Action).some((a) => {
    const lower = a.toLowerCase();
    return lower === wanted || lower === '*' || lower === `${wanted.split(':')[0]}:*`;
  });
}

const allowStatements = (document: JsonValue) => statements(document).filter((s) => s.Effect === 'Allow');

/** The addresses of the roles the stack's Pod Identity associations hand to pods. */
function podIdentityRoles(stack: StackView): Set<string> {
  const roles = new Set<string>();
  for (const association of stack.resources('aws_eks_pod_identity_association')) {
    const role = stack.referenced(association.values.role_arn);
    if (role?.type === 'aws_iam_role') roles.add(role.address);
  }
  return roles;
}

/** The trust policy side: every Pod Identity principal allowed sts:AssumeRole is allowed sts:TagSession. */
function trustFinding(role: ResourceView, stack: StackView, podRoles: Set<string>) {
  const decoded = decodePolicy(role.values.assume_role_policy);
  if ('unresolved' in decoded) return couldNotEvaluate(`assume_role_policy is "${decoded.unresolved}"; the rule needs the trust policy`);
  const principals = (statement: Record<string, JsonValue>): string[] => {
    const principal = statement.Principal;
    if (principal === null || typeof principal !== 'object' || Array.isArray(principal)) return [];
    return stringList(principal.AWS)
      .map((p) => stack.referenced(p))
      .filter((r): r is ResourceView => r !== undefined && podRoles.has(r.address))
      .map((r) => r.address);
  };
  const trusted = allowStatements(decoded.document);
  const chained = new Set(trusted.filter((s) => allows(s, 'sts:AssumeRole')).flatMap(principals));
  if (chained.size === 0) return notApplicable('no Pod Identity role may assume it');
  const tagging = new Set(trusted.filter((s) => allows(s, 'sts:TagSession')).flatMap(principals));
  const missing = [...chained].filter((p) => !tagging.has(p));
  if (missing.length === 0) return compliant();
  return nonCompliant(
    `the trust policy lets ${missing.join(', ')} (used through EKS Pod Identity) sts:AssumeRole but not sts:TagSession; ` +
      "Pod Identity's session tags are transitive, so the chained AssumeRole is refused: allow sts:TagSession for that principal",
  );
}

/** The identity policy side: a Pod Identity role allowed sts:AssumeRole on a resource is allowed sts:TagSession on it. */
function identityFinding(policy: ResourceView, stack: StackView, podRoles: Set<string>) {
  const role = stack.referenced(policy.values.role);
  if (!role || !podRoles.has(role.address)) return notApplicable('not the policy of a Pod Identity role');
  const decoded = decodePolicy(policy.values.policy);
  if ('unresolved' in decoded) return couldNotEvaluate(`policy is "${decoded.unresolved}"; the rule needs the document`);
  const granted = allowStatements(decoded.document);
  const assumed = granted.filter((s) => allows(s, 'sts:AssumeRole')).flatMap((s) => stringList(s.Resource));
  if (assumed.length === 0) return notApplicable('allows no sts:AssumeRole');
  const tagged = new Set(granted.filter((s) => allows(s, 'sts:TagSession')).flatMap((s) => stringList(s.Resource)));
  const missing = assumed.filter((r) => !tagged.has(r) && !tagged.has('*'));
  if (missing.length === 0) return compliant();
  return nonCompliant(
    `${role.address} is used through EKS Pod Identity and may sts:AssumeRole on ${missing.join(', ')} but not sts:TagSession; ` +
      "Pod Identity's session tags are transitive, so the chained AssumeRole is refused: allow sts:TagSession on the same roles",
  );
}

export const ChainedRoleAllowsTagSession: ResourceRule = {
  id: 'SC-PRE-17',
  name: 'ChainedRoleAllowsTagSession',
  family: 'preflight',
  scope: 'resource',
  resourceTypes: ['aws_iam_role', 'aws_iam_role_policy'],
  description:
    'A role that a Pod Identity role may assume allows that principal sts:TagSession as well as sts:AssumeRole, and the Pod Identity role is allowed sts:TagSession on every role it may assume (Pod Identity session tags are transitive).',
  evaluate(resource, stack) {
    const podRoles = podIdentityRoles(stack);
    if (podRoles.size === 0) return notApplicable('no Pod Identity association in the stack');
    return resource.type === 'aws_iam_role' ? trustFinding(resource, stack, podRoles) : identityFinding(resource, stack, podRoles);
  },
};
