/** Builds small synthesized stacks for rule tests: resources by type and name, with a stage in the provider's default tags. */
import { Stage } from '../../config/stages';
import { CloudflareSubscription, SUBSCRIPTION_METADATA_KEY } from '../../config/cloudflare-plans';
import { stackViews, Synthesis } from '../../synthesis/stack-views';
import { Outcome, Rule, StackView } from '../../policies/types';

export type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** One fixture: the stack under test, and other regional stacks of the same environment. */
export interface Fixture {
  readonly resources: Resources;
  /** @default "growth" */
  readonly stage?: Stage;
  /** @default "us-east-1" */
  readonly region?: string;
  /** The Cloudflare plan the stack states, as the edge stack writes it. @default none stated */
  readonly cloudflare?: CloudflareSubscription;
  /** Further regions of the environment, each a stack with these resources. @default none */
  readonly otherRegions?: Readonly<Record<string, Resources>>;
  /** Data sources of the stack under test, by type and name. @default none (beyond the zone lookup of `cloudflare`) */
  readonly data?: Resources;
  /** Terraform outputs of the other stacks, by their region key (what cross-stack references read). @default none */
  readonly outputs?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Further arguments of every stack's AWS provider block. @default the account named, `allowed_account_ids: ["111122223333"]`, as from `aws.accountId` */
  readonly awsProvider?: Readonly<Record<string, unknown>>;
  /** The stacks the stack under test is deployed after (manifest.json), e.g. `fx-eu-west-1`; the others have none. @default absent: no manifest read */
  readonly dependencies?: readonly string[];
  /** Regions the stack under test has an aliased AWS provider for (`aws.<region>`). @default none */
  readonly aliasedRegions?: readonly string[];
}

function stackJson(
  environment: string,
  stage: Stage,
  region: string,
  resources: Resources,
  cloudflare?: CloudflareSubscription,
  data: Resources = {},
  awsProvider: Readonly<Record<string, unknown>> = { allowed_account_ids: ['111122223333'] },
  aliasedRegions: readonly string[] = [],
): Record<string, unknown> {
  const zone = cloudflare ? { cloudflare_zone: { zone: { '//': { [SUBSCRIPTION_METADATA_KEY]: cloudflare }, filter: { name: 'example.com' } } } } : {};
  return {
    ...(cloudflare || Object.keys(data).length > 0 ? { data: { ...zone, ...data } } : {}),
    provider: {
      aws: [
        { region, default_tags: [{ tags: { 'stagecraft:environment': environment, 'stagecraft:stage': stage, 'stagecraft:region': region } }], ...awsProvider },
        ...aliasedRegions.map((r) => ({ alias: r, region: r, ...awsProvider })),
      ],
    },
    resource: resources,
  };
}

/** The synthesis of a fixture: `fx-<region>` for the stack under test and each other region. */
export function fixtureSynthesis(fixture: Fixture): Synthesis {
  const stage = fixture.stage ?? 'growth';
  const region = fixture.region ?? 'us-east-1';
  return {
    label: 'fixture',
    stacks: [
      {
        name: `fx-${region}`,
        json: stackJson('fx', stage, region, fixture.resources, fixture.cloudflare, fixture.data, fixture.awsProvider, fixture.aliasedRegions),
        ...(fixture.dependencies ? { dependencies: fixture.dependencies } : {}),
      },
      ...Object.entries(fixture.otherRegions ?? {}).map(([r, resources]) => {
        const outputs = Object.entries(fixture.outputs?.[r] ?? {}).map(([name, value]) => [name, { value }]);
        return {
          name: `fx-${r}`,
          ...(fixture.dependencies ? { dependencies: [] } : {}),
          json: {
            ...stackJson('fx', stage, r, resources, undefined, {}, fixture.awsProvider),
            ...(outputs.length > 0 ? { output: Object.fromEntries(outputs) } : {}),
          },
        };
      }),
    ],
  };
}

/** Every outcome of `rule` on the fixture's stack under test. */
export function evaluate(rule: Rule, fixture: Fixture): Outcome[] {
  const views = stackViews(fixtureSynthesis(fixture));
  const stack = views[0] as StackView;
  if (rule.scope === 'stack') return [...rule.evaluate(stack)];
  return rule.resourceTypes.flatMap((type) => stack.resources(type).map((r) => rule.evaluate(r, stack)));
}
