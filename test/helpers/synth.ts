/** Test helpers: synthesize a construct inside a real AWS stack and read the JSON back. */
import { App, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { CLOUDFLARE_ADDONS, CloudflareSubscription } from '../../config/cloudflare-plans';
import { EdgeZone, lookupEdgeZone } from '../../constructs/cloudflare/edge-zone';

export interface SynthesizedStack {
  /** The synthesized JSON, as cdktf's matchers expect it. */
  readonly json: string;
  /** Parsed: resource type → logical name → arguments. */
  readonly resources: Record<string, Record<string, Record<string, unknown>>>;
  readonly outputs: Record<string, unknown>;
}

/** Builds `build(stack)` in a fresh AWS stack (region us-east-1) and synthesizes it. */
export function synthAws(build: (scope: Construct) => void): SynthesizedStack {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  build(stack);
  const json = Testing.synth(stack);
  const parsed = JSON.parse(json) as { resource?: SynthesizedStack['resources']; output?: Record<string, unknown> };
  return { json, resources: parsed.resource ?? {}, outputs: parsed.output ?? {} };
}

/** All resources of one type, as a list of their arguments. */
export function resourcesOfType(stack: SynthesizedStack, type: string): Array<Record<string, unknown>> {
  return Object.values(stack.resources[type] ?? {});
}

/** Builds `build(stack, zone)` in a fresh stack with the Cloudflare provider and a zone lookup (`zone`), and synthesizes it. */
/** Enterprise with every add-on: what the edge constructs synthesize when the plan allows everything. */
export const EVERY_CLOUDFLARE_FEATURE: CloudflareSubscription = { plan: 'enterprise', addons: [...CLOUDFLARE_ADDONS] };

export function synthCloudflare(
  build: (scope: Construct, zone: EdgeZone) => void,
  accountId = '023e105f4ecef8ad9ca31a8372d0c353',
  subscription: CloudflareSubscription = EVERY_CLOUDFLARE_FEATURE,
): SynthesizedStack {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new CloudflareProvider(stack, 'cloudflare', {});
  build(stack, lookupEdgeZone(stack, 'zone', 'example.com', accountId, subscription));
  const json = Testing.synth(stack);
  const parsed = JSON.parse(json) as { resource?: SynthesizedStack['resources']; output?: Record<string, unknown> };
  return { json, resources: parsed.resource ?? {}, outputs: parsed.output ?? {} };
}
