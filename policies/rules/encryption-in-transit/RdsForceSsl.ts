/**
 * PostgreSQL on RDS and Aurora refuses clients without TLS: its parameter group sets
 * `rds.force_ssl = 1` (cdk-nag RDS in-transit rules; Checkov CKV2_AWS_69 for the MySQL equivalent).
 */
import { ResourceRule, ResourceView, StackView } from '../../types';
import { read, readAll } from '../../../synthesis/values';
import { compliant, couldNotEvaluate, nonCompliant, notApplicable } from '../../outcomes';
import { isReadReplica } from '../helpers';

/** The parameter each engine family uses to refuse plain connections, and the value that does. */
const TLS_PARAMETERS: ReadonlyArray<{ engine: RegExp; parameter: string; values: readonly string[] }> = [
  { engine: /postgres/, parameter: 'rds.force_ssl', values: ['1'] },
  { engine: /mysql|mariadb/, parameter: 'require_secure_transport', values: ['1', 'ON', 'on'] },
];

function groupArgument(resource: ResourceView): string {
  return resource.type === 'aws_rds_cluster' ? 'db_cluster_parameter_group_name' : 'parameter_group_name';
}

export const RdsForceSsl: ResourceRule = {
  id: 'SC-EIT-1',
  name: 'RdsForceSsl',
  family: 'encryption-in-transit',
  scope: 'resource',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
  description: 'RDS PostgreSQL and Aurora PostgreSQL use a parameter group in the stack with rds.force_ssl = 1 (require_secure_transport for MySQL).',
  evaluate(resource: ResourceView, stack: StackView) {
    const argument = groupArgument(resource);
    const group = read(resource.values, argument);
    let engine = read(resource.values, 'engine');
    if (engine.kind === 'absent' && isReadReplica(resource)) {
      const source = stack.referenced(resource.values.replicate_source_db);
      engine = source ? read(source.values, 'engine') : engine;
    }
    if (engine.kind === 'expression') return couldNotEvaluate(`engine is the unresolved expression "${engine.expression}"`);
    const spec = engine.kind === 'value' ? TLS_PARAMETERS.find((t) => t.engine.test(String(engine.value))) : undefined;
    if (!spec) return notApplicable(engine.kind === 'value' ? `engine ${String(engine.value)} has no TLS-only parameter here` : 'engine unknown');
    if (group.kind === 'absent') {
      return nonCompliant(`${argument} is not set, so the default parameter group applies; use a group with ${spec.parameter} = ${spec.values[0]}`);
    }
    if (group.kind === 'value') return couldNotEvaluate(`${argument} names "${String(group.value)}", a parameter group outside this stack`);
    const groupResource = stack.referenced(group.expression);
    if (!groupResource) return couldNotEvaluate(`${argument} is "${group.expression}", which is not a parameter group in this stack`);
    const parameter = readAll(groupResource.values, 'parameter')
      .flatMap((p) => (Array.isArray(p) ? p : [p]))
      .find((p) => (p as Record<string, unknown>)?.name === spec.parameter) as Record<string, unknown> | undefined;
    if (!parameter) return nonCompliant(`parameter group ${groupResource.address} does not set ${spec.parameter}; set it to ${spec.values[0]}`);
    const value = parameter.value;
    if (typeof value === 'string' && value.includes('${')) return couldNotEvaluate(`${spec.parameter} is the unresolved expression "${value}"`);
    return spec.values.includes(String(value))
      ? compliant()
      : nonCompliant(`parameter group ${groupResource.address} sets ${spec.parameter} = ${String(value)}; set it to ${spec.values[0]}`);
  },
};
