import { Construct } from 'constructs';
import { Ruleset } from '@cdktf/provider-cloudflare/lib/ruleset';
import { checkProps } from '../shared/validation';
import { EdgeZone } from './edge-zone';

/** Props of CacheRules. */
export interface CacheRulesProps {
  readonly zone: EdgeZone;
  /** Hosts that serve the product's pages and static files (the apex, `www`). */
  readonly siteHosts: readonly string[];
  /** Host that serves avatars and uploaded images from R2; its objects never change under a key. */
  readonly assetsHost: string;
  /** Path prefixes of fingerprinted static files on the site hosts. @default ["/static/"] */
  readonly staticPathPrefixes?: readonly string[];
  /** API path prefix, never cached. @default "/api/" */
  readonly apiPathPrefix?: string;
  /** How long the CDN keeps static files and avatars, seconds. @default 86400 (seed 002, L3 CDN: 24 hours) */
  readonly edgeTtlSeconds?: number;
  /** Browser max-age of avatars, sent with `immutable`, seconds. @default 31536000 (one year) */
  readonly immutableMaxAgeSeconds?: number;
}

/**
 * CDN caching (seed 002, section 5, L3: static assets and avatars for 24 hours; seed 000,
 * section 1.3: `Cache-Control: immutable` on R2 images). One cache-settings ruleset caches
 * static files and avatars at the edge and bypasses the cache for the API; one response
 * header ruleset marks avatars immutable. Immutable is correct only because avatars are
 * stored under content-addressed keys: a new image is a new key, never an overwrite.
 */
export class CacheRules extends Construct {
  readonly cacheRuleset: Ruleset;
  readonly headerRuleset: Ruleset;

  constructor(scope: Construct, id: string, props: CacheRulesProps) {
    super(scope, id);
    const staticPathPrefixes = props.staticPathPrefixes ?? ['/static/'];
    const apiPathPrefix = props.apiPathPrefix ?? '/api/';
    const edgeTtlSeconds = props.edgeTtlSeconds ?? 86_400;
    const immutableMaxAgeSeconds = props.immutableMaxAgeSeconds ?? 31_536_000;
    checkProps(this, [
      { failed: props.siteHosts.length === 0, message: 'siteHosts: needs at least one host' },
      { failed: staticPathPrefixes.length === 0, message: 'staticPathPrefixes: needs at least one prefix' },
      {
        failed: !Number.isInteger(edgeTtlSeconds) || edgeTtlSeconds < 1,
        message: `edgeTtlSeconds: must be a whole number of seconds ≥ 1; received ${edgeTtlSeconds}`,
      },
      {
        failed: !Number.isInteger(immutableMaxAgeSeconds) || immutableMaxAgeSeconds < 1,
        message: `immutableMaxAgeSeconds: must be a whole number of seconds ≥ 1; received ${immutableMaxAgeSeconds}`,
      },
    ]);
    const sites = `http.host in {${props.siteHosts.map((h) => JSON.stringify(h)).join(' ')}}`;
    const staticPaths = staticPathPrefixes.map((p) => `starts_with(http.request.uri.path, ${JSON.stringify(p)})`).join(' or ');
    const assets = `http.host eq ${JSON.stringify(props.assetsHost)}`;

    this.cacheRuleset = new Ruleset(this, 'cache', {
      zoneId: props.zone.zoneId,
      name: 'stagecraft cache rules',
      description: 'CDN caching of static files and avatars; no caching of the API',
      kind: 'zone',
      phase: 'http_request_cache_settings',
      rules: [
        {
          ref: 'static_files',
          description: `static files: cached at the edge for ${edgeTtlSeconds} s`,
          expression: `(${sites}) and (${staticPaths})`,
          action: 'set_cache_settings',
          actionParameters: { cache: true, edgeTtl: { mode: 'override_origin', default: edgeTtlSeconds }, browserTtl: { mode: 'respect_origin' } },
          enabled: true,
        },
        {
          ref: 'avatars',
          description: `avatars and images from R2: cached at the edge for ${edgeTtlSeconds} s`,
          expression: assets,
          action: 'set_cache_settings',
          actionParameters: {
            cache: true,
            edgeTtl: { mode: 'override_origin', default: edgeTtlSeconds },
            browserTtl: { mode: 'override_origin', default: immutableMaxAgeSeconds },
          },
          enabled: true,
        },
        {
          ref: 'api_bypass',
          description: 'the API is never cached',
          expression: `(${sites} or http.host eq ${JSON.stringify(`api.${props.zone.domain}`)}) and starts_with(http.request.uri.path, ${JSON.stringify(apiPathPrefix)})`,
          action: 'set_cache_settings',
          actionParameters: { cache: false },
          enabled: true,
        },
      ],
    });

    this.headerRuleset = new Ruleset(this, 'immutable', {
      zoneId: props.zone.zoneId,
      name: 'stagecraft response headers',
      description: 'Cache-Control: immutable on avatars (content-addressed keys)',
      kind: 'zone',
      phase: 'http_response_headers_transform',
      rules: [
        {
          ref: 'avatars_immutable',
          description: 'avatars never change under a key',
          expression: `${assets} and http.response.code eq 200`,
          action: 'rewrite',
          actionParameters: { headers: { 'Cache-Control': { operation: 'set', value: `public, max-age=${immutableMaxAgeSeconds}, immutable` } } },
          enabled: true,
        },
      ],
    });
  }
}
