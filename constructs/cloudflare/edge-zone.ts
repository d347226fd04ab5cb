/** The Cloudflare zone every edge construct configures, looked up by name, with the plan it is on. */
import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { DataCloudflareZone } from '@cdktf/provider-cloudflare/lib/data-cloudflare-zone';
import { CloudflareSubscription, DEFAULT_CLOUDFLARE_PLAN, SUBSCRIPTION_METADATA_KEY } from '../../config/cloudflare-plans';

/** A Cloudflare zone, the account that owns it, and its plan and add-ons. */
export interface EdgeZone {
  /** The zone's apex domain. */
  readonly domain: string;
  readonly zoneId: string;
  /** The owning account's ID (a literal, or the zone's account read when the stack is planned). */
  readonly accountId: string;
  /** What the zone's plan and the account's add-ons allow; constructs synthesize to fit it. */
  readonly subscription: CloudflareSubscription;
  /** The lookup, for references to other attributes. */
  readonly data: DataCloudflareZone;
}

/**
 * Finds the zone named `domain`, which must already exist. With `accountId`, the lookup is
 * narrowed to that account and the ID is used as it is; without it, the zone's own account is.
 * The subscription is written into the lookup's `//` comment (which Terraform ignores), so the
 * preflight rules read the plan from the synthesized JSON itself.
 * @param subscription @default the free plan without add-ons
 */
export function lookupEdgeZone(
  scope: Construct,
  id: string,
  domain: string,
  accountId?: string,
  subscription: CloudflareSubscription = { plan: DEFAULT_CLOUDFLARE_PLAN, addons: [] },
): EdgeZone {
  const data = new DataCloudflareZone(scope, id, { filter: { name: domain, ...(accountId ? { account: { id: accountId } } : {}) } });
  // Through the stack: cdktf writes a data source's `//` after the data source's own overrides.
  TerraformStack.of(scope).addOverride(`data.cloudflare_zone.${data.friendlyUniqueId}.//.${SUBSCRIPTION_METADATA_KEY}`, {
    plan: subscription.plan,
    addons: [...subscription.addons],
  });
  return { domain, zoneId: data.zoneId, accountId: accountId ?? data.account.id, subscription, data };
}
