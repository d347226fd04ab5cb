/** Databases export their logs to CloudWatch (Checkov CKV_AWS_129/324, cdk-nag RDS logging). */
import { ResourceRule, ResourceView, StackView } from '../../types';
import { asStrings, read } from '../../../synthesis/values';
import { couldNotEvaluate, expect, notApplicable } from '../../outcomes';
import { isReadReplica } from '../helpers';

const LOGS: ReadonlyArray<{ engine: RegExp; logs: readonly string[] }> = [
  { engine: /postgres/, logs: ['postgresql'] },
  { engine: /mysql|mariadb/, logs: ['error', 'slowquery'] },
];

export const RdsLogExports: ResourceRule = {
  id: 'SC-LOG-3',
  name: 'RdsLogExports',
  family: 'logging',
  scope: 'resource',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
  description: 'RDS instances and Aurora clusters export the engine log (postgresql; error and slowquery for MySQL) in enabled_cloudwatch_logs_exports.',
  evaluate(database: ResourceView, stack: StackView) {
    let engine = read(database.values, 'engine');
    if (engine.kind === 'absent' && isReadReplica(database)) {
      const source = stack.referenced(database.values.replicate_source_db);
      if (source) engine = read(source.values, 'engine');
    }
    if (engine.kind === 'expression') return couldNotEvaluate(`engine is the unresolved expression "${engine.expression}"`);
    const spec = engine.kind === 'value' ? LOGS.find((l) => l.engine.test(String(engine.value))) : undefined;
    if (!spec) return notApplicable('engine without a known log list');
    return expect(
      database.values,
      'enabled_cloudwatch_logs_exports',
      (v) => spec.logs.every((l) => asStrings(v).includes(l)),
      `export ${spec.logs.join(', ')}`,
    );
  },
};
