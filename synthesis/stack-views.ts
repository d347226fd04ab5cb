/**
 * A synthesis as the guardrails and the review read it: stack name → the stack's `cdk.tf.json`,
 * and the views rules use to follow references and learn a stack's stage.
 */
import { Stage, STAGES } from '../config/stages';
import { readAll, record } from './values';
import {
  CLOUDFLARE_ADDONS,
  CLOUDFLARE_PLANS,
  CloudflareAddon,
  CloudflarePlan,
  CloudflareSubscription,
  SUBSCRIPTION_METADATA_KEY,
} from '../config/cloudflare-plans';

/** A synthesized stack's JSON (`cdk.tf.json`), typed as far as readers need it. */
export interface StackJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly provider?: Record<string, Array<Record<string, unknown>>>;
  readonly [key: string]: unknown;
}

/** One managed resource of a synthesized stack. */
export interface ResourceView {
  readonly type: string;
  /** The logical name (`postgres_primary_11FB0C6D`). */
  readonly name: string;
  /** `type.name`, as Terraform addresses it. */
  readonly address: string;
  /** The resource's arguments as synthesized (blocks may be objects or lists of objects). */
  readonly values: Readonly<Record<string, unknown>>;
  /** The construct path from the `//` metadata, when present. */
  readonly constructPath?: string;
}

/** One synthesized stack, with the lookups rules need to follow references. */
export interface StackView {
  readonly name: string;
  /** From the AWS provider's default tags (`stagecraft:stage`), or the environment's other stacks. */
  readonly stage?: Stage;
  readonly environment?: string;
  /** `stagecraft:region` of the default AWS provider. */
  readonly region?: string;
  /** The Cloudflare plan and add-ons the edge stack was synthesized for (the zone lookup's `//` metadata). */
  readonly cloudflare?: CloudflareSubscription;
  /** Every managed resource, or those of one type. */
  resources(type?: string): readonly ResourceView[];
  /** The resource a `${type.name.attr}` expression (or a bare `type.name.attr`) points at. */
  referenced(value: unknown): ResourceView | undefined;
  /** Resources of `type` whose `attribute` (a dotted path; any list element) refers to `target`. */
  referencing(type: string, attribute: string, target: ResourceView): readonly ResourceView[];
  /** Every stack of the same environment, this one included. */
  environmentStacks(): readonly StackView[];
  /** The stack's whole JSON (providers, outputs, data sources, locals), for rules that read beyond resources. @default absent in hand-built views */
  readonly json?: Readonly<Record<string, unknown>>;
  /** The stacks `cdktf deploy` applies before this one (manifest.json's `dependencies`). @default absent: the order is not known (no manifest) */
  readonly dependencies?: readonly string[];
}

/** One stack's synthesized JSON. */
export interface SynthesizedStack {
  readonly name: string;
  readonly json: StackJson;
  /** The stacks `cdktf deploy` applies before this one, from manifest.json. @default absent: not read from a synthesis directory */
  readonly dependencies?: readonly string[];
}

/** Every stack of one synthesis (a `cdktf.out`, a plan, or an in-memory build). */
export interface Synthesis {
  /** How reports name it: a directory, a git ref, `stage growth`. */
  readonly label: string;
  readonly stacks: readonly SynthesizedStack[];
}

/** Every managed resource of a stack JSON, in file order. */
export function stackResources(json: Readonly<Record<string, unknown>>): ResourceView[] {
  const out: ResourceView[] = [];
  for (const [type, byName] of Object.entries(record(json.resource) ?? {})) {
    for (const [name, body] of Object.entries(record(byName) ?? {})) {
      // JSON syntax allows a list of bodies under one name; cdktf writes one object.
      const values = (Array.isArray(body) ? record(body[0]) : record(body)) ?? {};
      const meta = record(record(values['//'])?.metadata);
      out.push({ type, name, address: `${type}.${name}`, values, constructPath: typeof meta?.path === 'string' ? meta.path : undefined });
    }
  }
  return out;
}

/** Default tags of the stack's AWS provider blocks: the unaliased one first. */
function providerTags(json: Readonly<Record<string, unknown>>): Array<Record<string, unknown>> {
  const declared = record(json.provider)?.aws;
  const blocks = (Array.isArray(declared) ? declared : declared ? [declared] : []).map((b) => record(b) ?? {});
  blocks.sort((a, b) => Number('alias' in a) - Number('alias' in b));
  return blocks.flatMap((b) => readAll(b, 'default_tags.tags').map((t) => record(t) ?? {}));
}

const REFERENCE = /\$\{([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)(\.|\[|\})/;

interface StackFacts {
  readonly name: string;
  readonly environment?: string;
  readonly stage?: Stage;
  readonly region?: string;
  readonly cloudflare?: CloudflareSubscription;
  readonly resources: ResourceView[];
  readonly json: Readonly<Record<string, unknown>>;
  readonly dependencies?: readonly string[];
}

/** The subscription written into a `cloudflare_zone` lookup's `//` metadata, when one is. */
function cloudflareSubscription(json: Readonly<Record<string, unknown>>): CloudflareSubscription | undefined {
  for (const body of Object.values(record(record(json.data)?.cloudflare_zone) ?? {})) {
    const meta = record(record(record(Array.isArray(body) ? body[0] : body)?.['//'])?.[SUBSCRIPTION_METADATA_KEY]);
    const plan = meta?.plan;
    if (typeof plan !== 'string' || !(CLOUDFLARE_PLANS as readonly string[]).includes(plan)) continue;
    const addons = (Array.isArray(meta?.addons) ? meta.addons : []).filter((a): a is CloudflareAddon => (CLOUDFLARE_ADDONS as readonly unknown[]).includes(a));
    return { plan: plan as CloudflarePlan, addons };
  }
  return undefined;
}

function facts(stack: SynthesizedStack): StackFacts {
  const tags = providerTags(stack.json);
  const tag = (key: string): string | undefined => tags.map((t) => t[key]).find((v): v is string => typeof v === 'string');
  const stage = tag('stagecraft:stage');
  // The region comes from the unaliased provider only: an aliased one names another region.
  const declared = record(stack.json.provider)?.aws;
  const unaliased = (Array.isArray(declared) ? declared : declared ? [declared] : []).map((b) => record(b) ?? {}).find((b) => !('alias' in b));
  const regionTag = unaliased
    ? readAll(unaliased, 'default_tags.tags')
        .map((t) => record(t)?.['stagecraft:region'])
        .find((v) => typeof v === 'string')
    : undefined;
  return {
    name: stack.name,
    environment: tag('stagecraft:environment'),
    stage: (STAGES as readonly string[]).includes(stage ?? '') ? (stage as Stage) : undefined,
    region: typeof regionTag === 'string' ? regionTag : undefined,
    cloudflare: cloudflareSubscription(stack.json),
    resources: stackResources(stack.json),
    json: stack.json as Readonly<Record<string, unknown>>,
    dependencies: stack.dependencies,
  };
}

/**
 * Views over every stack of a synthesis. A stack whose providers carry no Stagecraft tags (a
 * Cloudflare-only edge stack) takes its environment and stage from the stack it is named after:
 * `<env>-edge` belongs to `<env>`.
 */
export function stackViews(synthesis: Synthesis): StackView[] {
  const all = synthesis.stacks.map(facts);
  const stageOf = new Map<string, Stage>();
  for (const f of all) if (f.environment && f.stage) stageOf.set(f.environment, f.stage);
  const completed = all.map((f): StackFacts => {
    if (f.environment) return { ...f, stage: f.stage ?? stageOf.get(f.environment) };
    const owner = [...stageOf.keys()].filter((env) => f.name.startsWith(`${env}-`)).sort((a, b) => b.length - a.length)[0];
    return owner ? { ...f, environment: owner, stage: stageOf.get(owner) } : f;
  });
  const views: StackView[] = [];
  for (const f of completed) {
    const byAddress = new Map(f.resources.map((r) => [r.address, r]));
    const byType = new Map<string, ResourceView[]>();
    for (const r of f.resources) (byType.get(r.type) ?? byType.set(r.type, []).get(r.type)!).push(r);
    const referenced = (value: unknown): ResourceView | undefined => {
      if (typeof value !== 'string') return undefined;
      const match = REFERENCE.exec(value);
      return match ? byAddress.get(`${match[1]}.${match[2]}`) : undefined;
    };
    views.push({
      name: f.name,
      stage: f.stage,
      environment: f.environment,
      region: f.region,
      cloudflare: f.cloudflare,
      resources: (type) => (type === undefined ? f.resources : (byType.get(type) ?? [])),
      referenced,
      referencing: (type, attribute, target) =>
        (byType.get(type) ?? []).filter((r) =>
          readAll(r.values, attribute)
            .flatMap((v) => (Array.isArray(v) ? v : [v]))
            .some((v) => referenced(v) === target),
        ),
      environmentStacks: () => views.filter((v) => f.environment !== undefined && v.environment === f.environment),
      json: f.json,
      dependencies: f.dependencies,
    });
  }
  return views;
}
