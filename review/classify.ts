/**
 * The review's two judgement sections. Data loss: a destroyed or replaced stateful resource,
 * or a change that removes the protection against one. Security: changes to IAM, security
 * groups and network reachability, public exposure, encryption and TLS.
 */
import { decodePolicy, statements, stringList } from '../synthesis/policy-document';
import { STATEFUL_TYPES } from '../synthesis/resource-kinds';
import { ApplyRiskEntry, ChangeAction, DataLossEntry, ResourceChange, SecurityCategory, SecurityEntry } from './types';
import { destroyRefusal } from './update-semantics';
import { display, isUnder, withoutIndices } from './values';

const num = (v: unknown): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : undefined;
const truthy = (v: unknown): boolean => v === true || v === 'true';

/** Changes to a stateful resource that remove a safeguard, and what each means. */
const PROTECTION_CHANGES: ReadonlyArray<{ path: string; weakens: (before: unknown, after: unknown) => boolean; message: string }> = [
  {
    path: 'lifecycle.prevent_destroy',
    weakens: (b, a) => truthy(b) && !truthy(a),
    message: 'prevent_destroy removed: Terraform will no longer refuse to destroy it',
  },
  { path: 'deletion_protection', weakens: (b, a) => truthy(b) && !truthy(a), message: 'deletion protection turned off' },
  { path: 'skip_final_snapshot', weakens: (b, a) => !truthy(b) && truthy(a), message: 'no final snapshot when it is deleted' },
  { path: 'final_snapshot', weakens: (b, a) => truthy(b) && !truthy(a), message: 'no final snapshot when it is destroyed' },
  { path: 'force_destroy', weakens: (b, a) => !truthy(b) && truthy(a), message: 'force_destroy on: deleting the bucket deletes every object' },
  { path: 'backup_retention_period', weakens: (b, a) => (num(b) ?? 0) > (num(a) ?? 0), message: 'fewer days of automated backups' },
  { path: 'snapshot_retention_limit', weakens: (b, a) => (num(b) ?? 0) > (num(a) ?? 0), message: 'fewer days of snapshots' },
];

/**
 * Resources the review treats as holding data although the guardrails do not require
 * prevent_destroy on them: a host keeps what its containers wrote on its root volume, which is
 * deleted with it (the launch template sets delete_on_termination).
 */
const DATA_BEARING_TYPES: Readonly<Record<string, string>> = {
  aws_instance: 'the host and everything on its root volume (container volumes, uploads, logs not yet shipped)',
};

function what(type: string): string {
  return STATEFUL_TYPES[type] ?? DATA_BEARING_TYPES[type] ?? 'its data';
}

/** The data-loss entries: destroys and replacements first, then weakened protection. */
export function dataLossEntries(changes: readonly ResourceChange[]): DataLossEntry[] {
  const losses: DataLossEntry[] = [];
  const weakened: DataLossEntry[] = [];
  for (const change of changes) {
    if (!(change.type in STATEFUL_TYPES) && !(change.type in DATA_BEARING_TYPES)) continue;
    const base = { stack: change.stack, address: change.address, type: change.type };
    if (change.action === 'delete') {
      const guarded = truthy(change.before?.get('lifecycle.prevent_destroy'))
        ? ' (prevent_destroy is set: Terraform refuses to plan this until the code removes it)'
        : '';
      losses.push({ ...base, kind: 'destroy', message: `destroyed: ${what(change.type)} lost${guarded}` });
    } else if (change.action === 'replace') {
      const forcing = change.attributes.filter((a) => a.forcesReplacement).map((a) => a.path);
      const because = forcing.length > 0 ? ` because ${forcing.join(', ')} changed` : '';
      const guarded = truthy(change.before?.get('lifecycle.prevent_destroy'))
        ? ' (prevent_destroy is set: Terraform refuses to plan this until the code removes it)'
        : '';
      losses.push({ ...base, kind: 'replace', message: `replaced${because}: destroyed and created empty, ${what(change.type)} lost${guarded}` });
    } else if (change.action === 'update') {
      for (const rule of PROTECTION_CHANGES) {
        const attribute = change.attributes.find((a) => a.path === rule.path);
        if (attribute && rule.weakens(attribute.before, attribute.after)) {
          weakened.push({ ...base, kind: 'protection', message: `${rule.message} (${rule.path}: ${display(attribute.before)} → ${display(attribute.after)})` });
        }
      }
    }
  }
  return [...losses, ...weakened];
}

/** DNS record types, the argument naming the record and the one holding its answer. */
const DNS_TYPES: Readonly<Record<string, { name: string; content: string }>> = {
  cloudflare_dns_record: { name: 'name', content: 'content' },
  cloudflare_record: { name: 'name', content: 'content' },
  aws_route53_record: { name: 'name', content: 'records' },
};
/** Resources that serve traffic: destroying one takes what it serves offline. */
const SERVING_TYPES: Readonly<Record<string, string>> = {
  aws_instance: 'the host stops serving: every request it answered fails until its replacement serves',
  aws_lb: 'the load balancer and its DNS name disappear: requests to it fail',
  cloudflare_load_balancer: 'the load-balanced hostname stops answering',
  cloudflare_workers_route: 'requests on the route no longer reach the Worker',
};

/**
 * Refused changes, downtime and outages: the verdicts of the changed arguments (update-semantics.ts),
 * destroys the service or Terraform refuses, and destroys of DNS records and serving resources.
 */
export function applyRiskEntries(changes: readonly ResourceChange[]): ApplyRiskEntry[] {
  const entries: ApplyRiskEntry[] = [];
  const createdNames = new Map<string, ResourceChange>();
  for (const change of changes) {
    const dns = DNS_TYPES[change.type];
    const name = dns && change.action === 'create' ? change.after?.get(dns.name) : undefined;
    if (typeof name === 'string') createdNames.set(`${change.stack} ${name}`, change);
  }
  for (const change of changes) {
    const base = { stack: change.stack, address: change.address, type: change.type };
    const refusal = destroyRefusal(change.type, change.action, change.before);
    if (refusal) entries.push({ ...base, kind: 'refused', message: refusal.reason, source: refusal.source });
    for (const attribute of change.attributes) {
      if (attribute.verdict === 'refused')
        entries.push({ ...base, kind: 'refused', path: attribute.path, message: attribute.verdictReason, source: attribute.verdictSource });
      else if (attribute.verdict === 'in-place-downtime')
        entries.push({ ...base, kind: 'downtime', path: attribute.path, message: attribute.verdictReason, source: attribute.verdictSource });
    }
    if (change.action !== 'delete' && change.action !== 'replace') continue;
    const dns = DNS_TYPES[change.type];
    if (dns) {
      const name = change.before?.get(dns.name);
      const content = change.before?.get(dns.content);
      const type = change.before?.get('type');
      const answer = `${String(name)} (${String(type)} → ${display(content)})`;
      const successor = change.action === 'replace' ? change : createdNames.get(`${change.stack} ${String(name)}`);
      const message = successor
        ? `DNS record ${answer} destroyed; ${successor.address} answers for ${String(name)} again (${String(successor.after?.get('type'))} → ${display(successor.after?.get(dns.content))}) only once it is created: until then, and while resolvers cache the old answer, the name resolves to nothing or to a target being destroyed`
        : `DNS record ${answer} destroyed and not re-created: the name stops resolving`;
      entries.push({ ...base, kind: 'outage', message, source: 'DNS: a deleted record stops answering at once; cached answers live until their TTL' });
      continue;
    }
    const serving = SERVING_TYPES[change.type];
    if (serving)
      entries.push({
        ...base,
        kind: 'outage',
        message: `${change.action === 'replace' ? 'replaced' : 'destroyed'}: ${serving}`,
        source: 'what the resource serves',
      });
  }
  return entries;
}

const IAM_TYPES =
  /^aws_iam_|^aws_(kms_key_policy|s3_bucket_policy|opensearch_domain_policy|cloudwatch_log_resource_policy|secretsmanager_secret_policy|sns_topic_policy|lambda_permission|eks_access_entry|eks_access_policy_association|eks_pod_identity_association)$/;
const NETWORK_TYPES =
  /^aws_(security_group|security_group_rule|vpc_security_group_ingress_rule|vpc_security_group_egress_rule|default_security_group|network_acl|network_acl_rule|ec2_managed_prefix_list|vpc_peering_connection|vpc_peering_connection_accepter)$/;
const ENCRYPTION_TYPES = /^aws_(s3_bucket_server_side_encryption_configuration|kms_key|kms_alias)$/;
const EXPOSURE_TYPES = /^aws_(s3_bucket_public_access_block|eip)$/;
const TLS_TYPES = /^(aws_acm_certificate|cloudflare_zone_setting|cloudflare_zone_settings_override|cloudflare_certificate_pack)$/;

/** Argument paths (no indices) that matter to security, by category, for any resource type. */
const ATTRIBUTE_CATEGORIES: ReadonlyArray<{ category: SecurityCategory; test: RegExp }> = [
  {
    category: 'public-exposure',
    test: /(^|\.)(publicly_accessible|endpoint_public_access|public_access_cidrs|map_public_ip_on_launch|associate_public_ip_address|internal|block_public_acls|block_public_policy|ignore_public_acls|restrict_public_buckets|public_access(\.type)?|vpc_options|anonymous_auth_enabled|unauthenticated)$/,
  },
  { category: 'tls', test: /(^|\.)(ssl_policy|tls_security_policy|min_tls_version|certificate_arn)$|^protocol$/ },
  {
    category: 'encryption',
    test: /encrypt|kms_key|kms_master_key|sse_algorithm|at_rest|transit_encryption|node_to_node|use_aws_owned_key|enforce_https|client_broker|in_cluster|auth_token|(^|\.)parameter\./,
  },
  {
    category: 'iam',
    test: /(^|\.)(policy|assume_role_policy|policy_arn|role_arn|iam_role_arn|role|managed_policy_arns|access_policies|master_user_arn|http_tokens|http_put_response_hop_limit|iam_database_authentication_enabled|sasl\.iam|authentication_mode)$/,
  },
  {
    category: 'network',
    test: /(^|\.)(cidr_ipv4|cidr_ipv6|cidr_blocks|ipv6_cidr_blocks|prefix_list_id|referenced_security_group_id|security_group_ids|vpc_security_group_ids|security_groups|from_port|to_port|ip_protocol|ingress|egress)/,
  },
];

const WORLD = new Set(['0.0.0.0/0', '::/0']);

function typeCategory(type: string): SecurityCategory | undefined {
  if (IAM_TYPES.test(type)) return 'iam';
  if (NETWORK_TYPES.test(type)) return 'network';
  if (ENCRYPTION_TYPES.test(type)) return 'encryption';
  if (EXPOSURE_TYPES.test(type)) return 'public-exposure';
  if (TLS_TYPES.test(type)) return 'tls';
  return undefined;
}

/** World-open CIDRs anywhere in a body. */
function worldCidrs(values: ReadonlyMap<string, unknown> | undefined): string[] {
  const found = new Set<string>();
  for (const [path, value] of values ?? []) {
    // Sources and allowed ranges only: a route's destination 0.0.0.0/0 exposes nothing.
    if (!/(^|\.)(cidr_ipv4|cidr_ipv6|cidr_blocks|ipv6_cidr_blocks|public_access_cidrs)(\[\d+\])?$/.test(path)) continue;
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string' && WORLD.has(v)) found.add(v);
  }
  return [...found];
}

/** "tcp 22", "all traffic", from a rule's arguments. */
function ports(values: ReadonlyMap<string, unknown>): string {
  const protocol = values.get('ip_protocol') ?? values.get('protocol');
  if (protocol === '-1' || protocol === 'all') return 'all traffic';
  const from = values.get('from_port');
  const to = values.get('to_port');
  const range = from === undefined ? 'all ports' : from === to || to === undefined ? `port ${String(from)}` : `ports ${String(from)}–${String(to)}`;
  return `${String(protocol ?? 'tcp')} ${range}`;
}

/** A one-line description of what a rule admits: `tcp port 22 from 0.0.0.0/0`. */
function ruleSummary(type: string, values: ReadonlyMap<string, unknown>): string {
  const direction = type.includes('egress') || values.get('type') === 'egress' ? 'egress to' : 'ingress from';
  const source =
    values.get('cidr_ipv4') ??
    values.get('cidr_ipv6') ??
    values.get('cidr_blocks') ??
    values.get('prefix_list_id') ??
    values.get('referenced_security_group_id') ??
    values.get('source_security_group_id');
  return `${direction} ${typeof source === 'string' ? source : display(source)} on ${ports(values)}`;
}

function changedSummary(change: ResourceChange, paths: readonly string[]): string {
  return change.attributes
    .filter((a) => paths.includes(a.path))
    .map((a) => `${a.path}: ${display(a.before)} → ${display(a.after)}`)
    .join('; ');
}

/** What an added or removed IAM, network or encryption resource does, in a few words. */
function describe(type: string, values: ReadonlyMap<string, unknown> | undefined): string {
  if (!values) return '';
  const get = (path: string) => values.get(path);
  switch (type) {
    case 'aws_iam_role_policy_attachment':
      return `${display(get('policy_arn'))} on role ${display(get('role'))}`;
    case 'aws_iam_role':
    case 'aws_iam_role_policy':
    case 'aws_s3_bucket_policy':
    case 'aws_kms_key_policy':
    case 'aws_opensearch_domain_policy':
    case 'aws_cloudwatch_log_resource_policy': {
      const text = get('assume_role_policy') ?? get('policy') ?? get('access_policies') ?? get('policy_document');
      return policySummary(type === 'aws_iam_role' ? 'trusts' : 'allows', text);
    }
    case 'aws_ec2_managed_prefix_list': {
      const entries = [...values.keys()].filter((k) => /^entry(\[\d+\])?\.cidr$/.test(k)).length;
      return `${display(get('name'))}, ${entries} CIDR entries`;
    }
    case 'aws_s3_bucket_server_side_encryption_configuration':
      return `default encryption ${display(get('rule.apply_server_side_encryption_by_default.sse_algorithm'))} for bucket ${display(get('bucket'))}`;
    case 'aws_s3_bucket_public_access_block':
      return `public access block of bucket ${display(get('bucket'))}`;
    case 'aws_kms_key':
      return `${display(get('description'))}, rotation ${get('enable_key_rotation') === true ? 'on' : 'off'}`;
    default:
      return '';
  }
}

/** `allows s3:PutObject, logs:* (2 statements)` from a policy document, as far as it can be read. */
function policySummary(verb: string, text: unknown): string {
  const decoded = decodePolicy(text);
  if ('unresolved' in decoded) return '';
  const list = statements(decoded.document);
  if (verb === 'trusts') {
    const principals = list.flatMap((st) => {
      const p = st.Principal;
      if (typeof p === 'string') return [p];
      return p && typeof p === 'object' && !Array.isArray(p) ? Object.values(p).flatMap((v) => stringList(v)) : [];
    });
    return principals.length > 0 ? `trusted by ${[...new Set(principals)].join(', ')}` : '';
  }
  const allowed = [...new Set(list.filter((st) => st.Effect !== 'Deny').flatMap((st) => stringList(st.Action)))];
  const denied = list.filter((st) => st.Effect === 'Deny').length;
  const wildcard = allowed.some((a) => a === '*' || a.endsWith(':*'));
  const parts = [
    allowed.length > 0 ? `allows ${allowed.slice(0, 6).join(', ')}${allowed.length > 6 ? ', …' : ''}` : '',
    denied > 0 ? `${denied} deny statement(s)` : '',
  ].filter(Boolean);
  return `${parts.join('; ')}${wildcard ? ' (wildcard actions)' : ''}`;
}

const VERB: Record<ChangeAction, string> = { create: 'added', delete: 'removed', update: 'changed', replace: 'replaced' };

/** The security entries of a set of changes, in change order. */
export function securityEntries(changes: readonly ResourceChange[]): SecurityEntry[] {
  const entries: SecurityEntry[] = [];
  for (const change of changes) {
    const base = { stack: change.stack, address: change.address, type: change.type, action: change.action };
    const add = (category: SecurityCategory, message: string) => entries.push({ ...base, category, message });
    const byType = typeCategory(change.type);
    const values = change.action === 'delete' ? change.before : change.after;

    if (byType === 'network' && /rule$|_ingress_rule|_egress_rule/.test(change.type) && values) {
      const open = worldCidrs(values);
      const summary = ruleSummary(change.type, values);
      if (open.length > 0 && change.action !== 'delete' && !/egress/.test(summary))
        add('public-exposure', `${VERB[change.action]}: ${summary}: open to the internet`);
      else add('network', `${VERB[change.action]}: ${summary}`);
      continue;
    }
    if (byType && (change.action === 'create' || change.action === 'delete')) {
      const open = byType === 'network' && change.action === 'create' ? worldCidrs(values) : [];
      const detail = describe(change.type, values);
      add(
        open.length > 0 ? 'public-exposure' : byType,
        `${change.type} ${VERB[change.action]}${detail ? `: ${detail}` : ''}${open.length > 0 ? `, admitting ${open.join(', ')}` : ''}`,
      );
      continue;
    }
    if (change.action === 'create') {
      // A new resource: flag what it exposes, not every argument it has.
      const exposed = [...(values ?? [])].filter(
        ([path, v]) => ATTRIBUTE_CATEGORIES[0].test.test(withoutIndices(path)) && (truthy(v) || (typeof v === 'string' && WORLD.has(v))),
      );
      const open = worldCidrs(values);
      if (exposed.length > 0 || open.length > 0) {
        const cidrs = values?.get('vpc_config.public_access_cidrs');
        const restricted = exposed.some(([p]) => p === 'vpc_config.endpoint_public_access') ? `, public_access_cidrs = ${display(cidrs)}` : '';
        add('public-exposure', `added with ${[...exposed.map(([p, v]) => `${p} = ${display(v)}`), ...open.map((c) => `a ${c} CIDR`)].join(', ')}${restricted}`);
      }
      continue;
    }
    if (change.action === 'delete') continue;
    // Updates and replacements: group the changed arguments by category.
    const byCategory = new Map<SecurityCategory, string[]>();
    for (const attribute of change.attributes) {
      const bare = withoutIndices(attribute.path);
      if (attribute.sensitive) {
        byCategory.set('iam', [...(byCategory.get('iam') ?? []), attribute.path]);
        continue;
      }
      const category =
        ATTRIBUTE_CATEGORIES.find((c) => c.test.test(bare))?.category ?? (byType && !isUnder(bare, 'tags') && !isUnder(bare, 'tags_all') ? byType : undefined);
      if (category) byCategory.set(category, [...(byCategory.get(category) ?? []), attribute.path]);
    }
    for (const [category, paths] of byCategory) {
      const open =
        category === 'network' || category === 'public-exposure' ? worldCidrs(change.after).filter((c) => !worldCidrs(change.before).includes(c)) : [];
      add(
        open.length > 0 ? 'public-exposure' : category,
        `${VERB[change.action]}: ${changedSummary(change, paths)}${open.length > 0 ? `; now admits ${open.join(', ')}` : ''}`,
      );
    }
  }
  return entries;
}
