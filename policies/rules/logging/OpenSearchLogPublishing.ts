/** OpenSearch publishes application and audit logs (Checkov CKV_AWS_84 and CKV_AWS_317, cdk-nag OS logs). */
import { ResourceRule } from '../../types';
import { asBoolean, readAll } from '../../../synthesis/values';
import { compliant, nonCompliant } from '../../outcomes';

const REQUIRED = ['ES_APPLICATION_LOGS', 'AUDIT_LOGS'];

export const OpenSearchLogPublishing: ResourceRule = {
  id: 'SC-LOG-4',
  name: 'OpenSearchLogPublishing',
  family: 'logging',
  scope: 'resource',
  resourceTypes: ['aws_opensearch_domain'],
  description: 'OpenSearch domains publish ES_APPLICATION_LOGS and AUDIT_LOGS (log_publishing_options, enabled).',
  evaluate(domain) {
    const options = readAll(domain.values, 'log_publishing_options').flatMap((o) => (Array.isArray(o) ? o : [o])) as Array<Record<string, unknown>>;
    const enabled = options.filter((o) => o.enabled === undefined || asBoolean(o.enabled) === true).map((o) => o.log_type);
    const missing = REQUIRED.filter((t) => !enabled.includes(t));
    return missing.length === 0 ? compliant() : nonCompliant(`log_publishing_options does not publish ${missing.join(', ')}`);
  },
};
