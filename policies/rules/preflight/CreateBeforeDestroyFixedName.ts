/**
 * A resource created before it is destroyed cannot have a fixed name: the replacement would
 * need the name the old one still holds, and the apply fails (review D5). Use `name_prefix`,
 * or let the provider name it.
 */
import { ResourceRule } from '../../types';
import { asBoolean, read } from '../../../synthesis/values';
import { compliant, nonCompliant, notApplicable } from '../../outcomes';

export const CreateBeforeDestroyFixedName: ResourceRule = {
  id: 'SC-PRE-9',
  name: 'CreateBeforeDestroyFixedName',
  family: 'preflight',
  scope: 'resource',
  resourceTypes: [
    'aws_db_parameter_group',
    'aws_rds_cluster_parameter_group',
    'aws_elasticache_parameter_group',
    'aws_db_option_group',
    'aws_db_subnet_group',
    'aws_elasticache_subnet_group',
    'aws_launch_template',
    'aws_security_group',
    'aws_lb_target_group',
    'aws_iam_role',
    'aws_iam_policy',
    'aws_kms_alias',
  ],
  description: 'Resources with create_before_destroy use name_prefix (or no name) instead of a fixed name.',
  evaluate(resource) {
    const createFirst = read(resource.values, 'lifecycle.create_before_destroy');
    if (createFirst.kind !== 'value' || asBoolean(createFirst.value) !== true) return notApplicable('not create_before_destroy');
    const name = read(resource.values, 'name');
    if (name.kind === 'absent') return compliant();
    return nonCompliant(
      `create_before_destroy with the fixed name ${name.kind === 'value' ? JSON.stringify(name.value) : `"${name.expression}"`}: a replacement cannot be created while the old one holds the name; use name_prefix`,
    );
  },
};
