/**
 * The bundled price catalog (`price-catalog.json`): dated AWS on-demand and Cloudflare list
 * prices, each with its source, per-region multipliers, and the resource types that are free
 * (each with the reason). Validated once when loaded, so a malformed edit fails loudly.
 */
import { z } from 'zod';
import catalogJson from './price-catalog.json';

const sourceId = z.string().min(1);

const tier = z.strictObject({ upToGB: z.number().positive().optional(), usd: z.number().min(0) });

const priceSchema = z.strictObject({
  unit: z.string().min(1),
  source: sourceId,
  /** A single price. */
  usd: z.number().min(0).optional(),
  /** Prices by instance, node or plan type. */
  byType: z.record(z.string(), z.number().min(0)).optional(),
  /** Volume tiers, cheapest last; the last tier has no upper bound. */
  tiers: z.array(tier).min(1).optional(),
  /** False for prices that are the same in every region. @default true */
  regional: z.boolean().optional(),
  detail: z.string().optional(),
});

const catalogSchema = z.strictObject({
  asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  currency: z.literal('USD'),
  hoursPerMonth: z.number().positive(),
  basis: z.string(),
  note: z.string(),
  sources: z.record(z.string(), z.strictObject({ title: z.string().min(1), url: z.string().url() })),
  regions: z.record(z.string(), z.strictObject({ multiplier: z.number().positive(), basis: z.string(), source: sourceId })),
  prices: z.record(z.string(), priceSchema),
  free: z.record(z.string(), z.string().min(1)),
});

export type Catalog = z.infer<typeof catalogSchema>;
export type CatalogPrice = z.infer<typeof priceSchema>;

/** Validates a catalog: its shape, and that every price names a known source and has exactly one kind of price. */
export function parseCatalog(data: unknown): Catalog {
  const catalog = catalogSchema.parse(data);
  for (const [key, price] of Object.entries(catalog.prices)) {
    const kinds = [price.usd, price.byType, price.tiers].filter((k) => k !== undefined).length;
    if (kinds !== 1) throw new Error(`price-catalog.json: prices.${key}: give exactly one of usd, byType, tiers`);
    if (!catalog.sources[price.source]) throw new Error(`price-catalog.json: prices.${key}.source: unknown source "${price.source}"`);
  }
  for (const [region, entry] of Object.entries(catalog.regions)) {
    if (!catalog.sources[entry.source]) throw new Error(`price-catalog.json: regions.${region}.source: unknown source "${entry.source}"`);
  }
  return catalog;
}

export const CATALOG: Catalog = parseCatalog(catalogJson);

/** A price resolved for one region: the catalog price × the region's multiplier (unless flat). */
export interface ResolvedPrice {
  readonly usd: number;
  readonly unit: string;
  /** `<title> (<url>), <asOf>` */
  readonly source: string;
}

/** Why a price could not be found. */
export type PriceMiss = { readonly missing: string };

export function sourceText(catalog: Catalog, id: string): string {
  const source = catalog.sources[id];
  return `${source.title} (${source.url}), ${catalog.asOf}`;
}

/**
 * The price of `key` (and `type`, for per-type prices) in `region`. A missing key, type or
 * region is a miss with the reason, never a zero.
 */
export function lookup(catalog: Catalog, key: string, region: string | undefined, type?: string): ResolvedPrice | PriceMiss {
  const price = catalog.prices[key];
  if (!price) return { missing: `the catalog has no "${key}" price` };
  let usd: number | undefined = price.usd;
  if (price.byType) {
    usd = type === undefined ? undefined : price.byType[type];
    if (usd === undefined) return { missing: `the catalog has no ${key} price for "${type}"` };
  }
  if (price.tiers) usd = price.tiers[0].usd;
  if (usd === undefined) return { missing: `the catalog has no "${key}" price` };
  const multiplier = price.regional === false ? 1 : region === undefined ? undefined : catalog.regions[region]?.multiplier;
  if (multiplier === undefined) return { missing: `the catalog has no prices for region ${region ?? '(unknown)'}` };
  return { usd: usd * multiplier, unit: price.unit, source: sourceText(catalog, price.source) };
}

export function isMiss(value: ResolvedPrice | PriceMiss): value is PriceMiss {
  return 'missing' in value;
}

/** The cost of `quantity` GB of a tiered price in `region`, tier by tier. */
export function tieredCost(
  catalog: Catalog,
  key: string,
  region: string | undefined,
  quantity: number,
): { usd: number; unit: string; source: string } | PriceMiss {
  const price = catalog.prices[key];
  if (!price?.tiers) return { missing: `the catalog has no tiered "${key}" price` };
  const multiplier = price.regional === false ? 1 : region === undefined ? undefined : catalog.regions[region]?.multiplier;
  if (multiplier === undefined) return { missing: `the catalog has no prices for region ${region ?? '(unknown)'}` };
  let remaining = quantity;
  let floor = 0;
  let usd = 0;
  for (const t of price.tiers) {
    const width = t.upToGB === undefined ? remaining : Math.min(remaining, t.upToGB - floor);
    usd += width * t.usd * multiplier;
    remaining -= width;
    floor = t.upToGB ?? floor;
    if (remaining <= 0) break;
  }
  return { usd, unit: price.unit, source: sourceText(catalog, price.source) };
}
