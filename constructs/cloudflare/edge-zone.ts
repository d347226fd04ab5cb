/** The Cloudflare zone every edge construct configures, looked up by name. */
import { Construct } from 'constructs';
import { DataCloudflareZone } from '@cdktf/provider-cloudflare/lib/data-cloudflare-zone';

/** A Cloudflare zone and the account that owns it. */
export interface EdgeZone {
  /** The zone's apex domain. */
  readonly domain: string;
  readonly zoneId: string;
  /** The owning account's ID (a literal, or the zone's account read when the stack is planned). */
  readonly accountId: string;
  /** The lookup, for references to other attributes. */
  readonly data: DataCloudflareZone;
}

/**
 * Finds the zone named `domain`, which must already exist. With `accountId`, the lookup is
 * narrowed to that account and the ID is used as it is; without it, the zone's own account is.
 */
export function lookupEdgeZone(scope: Construct, id: string, domain: string, accountId?: string): EdgeZone {
  const data = new DataCloudflareZone(scope, id, { filter: { name: domain, ...(accountId ? { account: { id: accountId } } : {}) } });
  return { domain, zoneId: data.zoneId, accountId: accountId ?? data.account.id, data };
}
