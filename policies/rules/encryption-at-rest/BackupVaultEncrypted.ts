/** AWS Backup vaults use a customer-managed key (Checkov CKV_AWS_166). */
import { ResourceRule } from '../../types';
import { expectPresent } from '../../outcomes';

export const BackupVaultEncrypted: ResourceRule = {
  id: 'SC-EAR-16',
  name: 'BackupVaultEncrypted',
  family: 'encryption-at-rest',
  scope: 'resource',
  resourceTypes: ['aws_backup_vault'],
  description: 'Backup vaults set kms_key_arn to a customer-managed key.',
  evaluate(vault) {
    return expectPresent(vault.values, 'kms_key_arn', 'name the region key (changing it replaces the vault)');
  },
};
