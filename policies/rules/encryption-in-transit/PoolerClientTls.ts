/**
 * PgBouncer refuses clients that do not use TLS: a ConfigMap carrying a `pgbouncer.ini` sets
 * `client_tls_sslmode` to require (or verify-ca/verify-full) and names its key and certificate.
 * PgBouncer's default is `disable`, so without it the services' passwords (SCRAM exchanges aside)
 * and every row cross the pod network in clear, while the leg to the database is encrypted
 * (components.postgres.pooler, docs/components.md "TLS between the services and PgBouncer").
 */
import { ResourceRule } from '../../types';
import { read } from '../../../synthesis/values';
import { compliant, couldNotEvaluate, nonCompliant, notApplicable } from '../../outcomes';

const REFUSES_PLAINTEXT = ['require', 'verify-ca', 'verify-full'];

/** The last value a pgbouncer.ini gives `key` (PgBouncer keeps the last), or undefined. */
function setting(ini: string, key: string): string | undefined {
  const pattern = new RegExp(`^\\s*${key}\\s*=\\s*(.*?)\\s*$`, 'gm');
  const values = [...ini.matchAll(pattern)].map((m) => m[1]);
  return values.length === 0 ? undefined : values[values.length - 1];
}

export const PoolerClientTls: ResourceRule = {
  id: 'SC-EIT-8',
  name: 'PoolerClientTls',
  family: 'encryption-in-transit',
  scope: 'resource',
  resourceTypes: ['kubernetes_config_map_v1', 'kubernetes_config_map'],
  description:
    'A ConfigMap with a pgbouncer.ini sets client_tls_sslmode = require (or verify-ca, verify-full) with client_tls_key_file and client_tls_cert_file, so PgBouncer refuses plaintext clients.',
  evaluate(configMap) {
    const data = read(configMap.values, 'data');
    if (data.kind === 'expression') return couldNotEvaluate(`data is the unresolved expression "${data.expression}"`);
    const entries = data.kind === 'value' && data.value && typeof data.value === 'object' ? Object.entries(data.value as Record<string, unknown>) : [];
    const inis = entries.filter(([key]) => /(^|[./-])pgbouncer\.ini$/.test(key));
    if (inis.length === 0) return notApplicable('no pgbouncer.ini in it');
    const problems: string[] = [];
    for (const [key, ini] of inis) {
      // The whole file as one expression (a file() or a variable): its settings are not in the JSON.
      if (typeof ini !== 'string' || /^\$\{[^]*\}$/.test(ini.trim())) return couldNotEvaluate(`data.${key} is not literal text; the rule needs its settings`);
      const mode = setting(ini, 'client_tls_sslmode');
      if (mode === undefined || !REFUSES_PLAINTEXT.includes(mode)) {
        problems.push(
          `data.${key} ${mode === undefined ? 'leaves client_tls_sslmode at its default, disable' : `sets client_tls_sslmode = ${mode}`}; set it to require`,
        );
        continue;
      }
      const missing = ['client_tls_key_file', 'client_tls_cert_file'].filter((k) => !setting(ini, k));
      if (missing.length > 0) problems.push(`data.${key} requires TLS but sets no ${missing.join(' or ')}; PgBouncer cannot serve TLS without them`);
    }
    return problems.length === 0 ? compliant() : nonCompliant(problems.join('; '));
  },
};
