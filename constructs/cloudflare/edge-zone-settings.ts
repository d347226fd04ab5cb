import { Construct } from 'constructs';
import { UrlNormalizationSettings } from '@cdktf/provider-cloudflare/lib/url-normalization-settings';
import { ZoneSetting, ZoneSettingConfig } from '@cdktf/provider-cloudflare/lib/zone-setting';
import { checkProps } from '../shared/validation';
import { EdgeZone } from './edge-zone';

/** How Cloudflare connects to the origin: `strict` verifies the origin's certificate. */
export type SslMode = 'strict' | 'full' | 'flexible';

/** Props of EdgeZoneSettings. */
export interface EdgeZoneSettingsProps {
  readonly zone: EdgeZone;
  /**
   * Cloudflare → origin encryption. `strict` needs a certificate valid for the public names
   * on the origin (the ALB's ACM certificate on cluster stages).
   * @default "strict"
   */
  readonly sslMode?: SslMode;
  /** Oldest TLS version clients may use. @default "1.2" */
  readonly minTlsVersion?: '1.2' | '1.3';
  /** HSTS max-age, seconds. @default 31536000 (one year) */
  readonly hstsMaxAgeSeconds?: number;
  /** HSTS includeSubDomains. @default true */
  readonly hstsIncludeSubdomains?: boolean;
  /** HSTS preload (hard to undo: browsers ship the list). @default false */
  readonly hstsPreload?: boolean;
}

/**
 * The zone's TLS posture: TLS 1.2 minimum, TLS 1.3 on, HTTPS everywhere (a redirect for
 * `http://` and rewrites of mixed content), HSTS with nosniff, and the SSL mode to the origin.
 *
 * URL normalization is pinned to type `cloudflare`, scope `both`: before any rule runs,
 * Cloudflare decodes unreserved characters, removes dot segments, turns `\` into `/` and merges
 * `//`, and the origin receives that same path. The WAF and rate-limiting rules match on it
 * (path-match.ts); with scope `incoming` only, a rule would judge one path while the origin
 * serves another (`/api//auth/login` limited as the login, yet routed however the origin reads
 * `//`). Type `cloudflare` rather than `rfc3986` because only it merges slashes and backslashes.
 */
export class EdgeZoneSettings extends Construct {
  /** Setting ID → the resource that pins it. */
  readonly settings: Readonly<Record<string, ZoneSetting>>;
  /** The zone's URL normalization: `cloudflare`, on incoming URLs and URLs sent to the origin. */
  readonly urlNormalization: UrlNormalizationSettings;

  constructor(scope: Construct, id: string, props: EdgeZoneSettingsProps) {
    super(scope, id);
    const hstsMaxAgeSeconds = props.hstsMaxAgeSeconds ?? 31_536_000;
    checkProps(this, [
      {
        failed: !Number.isInteger(hstsMaxAgeSeconds) || hstsMaxAgeSeconds < 0 || hstsMaxAgeSeconds > 31_536_000,
        message: `hstsMaxAgeSeconds: must be a whole number from 0 to 31536000; received ${hstsMaxAgeSeconds}`,
      },
    ]);
    const values: Record<string, unknown> = {
      ssl: props.sslMode ?? 'strict',
      min_tls_version: props.minTlsVersion ?? '1.2',
      tls_1_3: 'on',
      always_use_https: 'on',
      automatic_https_rewrites: 'on',
      security_header: {
        strict_transport_security: {
          enabled: true,
          max_age: hstsMaxAgeSeconds,
          include_subdomains: props.hstsIncludeSubdomains ?? true,
          preload: props.hstsPreload ?? false,
          nosniff: true,
        },
      },
    };
    const settings: Record<string, ZoneSetting> = {};
    for (const [settingId, value] of Object.entries(values)) {
      settings[settingId] = new ZoneSetting(this, settingId, {
        zoneId: props.zone.zoneId,
        settingId,
        // `value` is a Terraform dynamic value (a string for most settings); the binding types it as a map.
        value: value as ZoneSettingConfig['value'],
      });
    }
    this.settings = settings;
    this.urlNormalization = new UrlNormalizationSettings(this, 'url-normalization', { zoneId: props.zone.zoneId, type: 'cloudflare', scope: 'both' });
  }
}
