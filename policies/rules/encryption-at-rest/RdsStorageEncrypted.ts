/** RDS instances and Aurora clusters encrypt their storage (Checkov CKV_AWS_16, cdk-nag RDS2). */
import { ResourceRule } from '../../types';
import { read } from '../../../synthesis/values';
import { expectBoolean, notApplicable } from '../../outcomes';
import { isReadReplica } from '../helpers';

export const RdsStorageEncrypted: ResourceRule = {
  id: 'SC-EAR-1',
  name: 'RdsStorageEncrypted',
  family: 'encryption-at-rest',
  scope: 'resource',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
  description: 'RDS instances and Aurora clusters set storage_encrypted = true; a read replica may inherit it from its source.',
  evaluate(resource) {
    if (isReadReplica(resource) && read(resource.values, 'storage_encrypted').kind === 'absent') {
      return notApplicable('a read replica inherits encryption from its source');
    }
    return expectBoolean(resource.values, 'storage_encrypted', true, 'set storage_encrypted = true (changing it replaces the database)', false);
  },
};
