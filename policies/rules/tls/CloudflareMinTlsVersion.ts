/** The Cloudflare zone refuses visitors below TLS 1.2, wherever the zone's settings are managed. */
import { ResourceRule } from '../../types';
import { read } from '../../../synthesis/values';
import { couldNotEvaluate, expect, notApplicable } from '../../outcomes';

const ALLOWED = ['1.2', '1.3'];

export const CloudflareMinTlsVersion: ResourceRule = {
  id: 'SC-TLS-3',
  name: 'CloudflareMinTlsVersion',
  family: 'tls',
  scope: 'resource',
  resourceTypes: ['cloudflare_zone_setting', 'cloudflare_zone_settings_override'],
  description:
    'A managed min_tls_version zone setting is 1.2 or 1.3 (cloudflare_zone_setting, or settings.min_tls_version of cloudflare_zone_settings_override).',
  evaluate(setting) {
    if (setting.type === 'cloudflare_zone_settings_override') {
      if (read(setting.values, 'settings.min_tls_version').kind === 'absent') return notApplicable('min_tls_version is not managed here');
      return expect(setting.values, 'settings.min_tls_version', (v) => ALLOWED.includes(String(v)), 'set it to "1.2" or "1.3"');
    }
    const id = read(setting.values, 'setting_id');
    if (id.kind === 'expression') return couldNotEvaluate(`setting_id is the unresolved expression "${id.expression}"`);
    if (id.kind !== 'value' || id.value !== 'min_tls_version') return notApplicable('another zone setting');
    return expect(setting.values, 'value', (v) => ALLOWED.includes(String(v)), 'set it to "1.2" or "1.3"');
  },
};
