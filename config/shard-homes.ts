/**
 * Which region homes which Postgres shard. Seed 002 §1 shards first by region ("US-East, US-West,
 * EU, Asia = 4 regions") and then by user id within a region, so every shard has exactly one home
 * region: its writer and readers live there, and a user's requests reach that region. The
 * environment either lists the homes (`components.postgres.shards.homes`, e.g. `us-east-1: 0-19`)
 * or gets an even split in the order of `regions`. Pure: parsing and the rules that refuse a bad
 * map or a shard setting the environment cannot run.
 */
import { Problem, shownValue } from './errors';
import { isAtLeast, Stage } from './stages';
import type { PostgresShardsConfig } from './components-reserved';

/** Where the shard settings live in the file, for messages. */
export const SHARDS_PATH = 'components.postgres.shards';

/** A home: one range `0-19`, one shard `7`, or several separated by commas (`0-9, 40-49`). */
const PART = /^\s*(\d{1,4})\s*(?:-\s*(\d{1,4})\s*)?$/;

/** Region code → the shards it homes, ascending. */
export type ShardHomes = Readonly<Record<string, readonly number[]>>;

/** The shard indices a home names, or undefined when it is not a list of ranges. */
export function parseShardList(text: string): number[] | undefined {
  const shards: number[] = [];
  for (const part of text.split(',')) {
    const match = PART.exec(part);
    if (!match) return undefined;
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first) return undefined;
    for (let shard = first; shard <= last; shard++) shards.push(shard);
  }
  return shards;
}

/** `0-19, 40-59` for [0..19, 40..59]: how reports and environment variables name a region's shards. */
export function describeShardList(shards: readonly number[]): string {
  const parts: string[] = [];
  let start = 0;
  for (let i = 1; i <= shards.length; i++) {
    if (i === shards.length || shards[i] !== shards[i - 1] + 1) {
      parts.push(i - 1 === start ? String(shards[start]) : `${shards[start]}-${shards[i - 1]}`);
      start = i;
    }
  }
  return parts.join(',');
}

/** The even split: region i homes shards i·n/r … (i+1)·n/r − 1. Needs `shards` to be a multiple of the region count. */
export function evenShardHomes(shards: number, regions: readonly string[]): ShardHomes {
  const per = shards / regions.length;
  return Object.fromEntries(regions.map((region, i) => [region, Array.from({ length: per }, (_, k) => i * per + k)]));
}

/**
 * The homes of `shards` shards over `regions`, or the problems that stop them: a home naming a
 * region the environment lacks, a list that is not ranges, a shard out of range or homed twice,
 * a shard without a home, a region homing none; without `homes`, a count that does not split
 * evenly. `shardsField` is the path the count came from, for the messages.
 */
export function resolveShardHomes(
  file: string,
  shards: number,
  regions: readonly string[],
  homes: Readonly<Record<string, string | number>> | undefined,
  shardsField = `${SHARDS_PATH}.count`,
): { homes?: ShardHomes; problems: Problem[] } {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ file, path, message });
  if (homes === undefined) {
    if (shards % regions.length !== 0) {
      add(
        shardsField,
        `${shards} shards do not split evenly over ${regions.length} regions; allowed: a multiple of ${regions.length}, or ${SHARDS_PATH}.homes to say which region homes which shards`,
      );
      return { problems };
    }
    return { homes: evenShardHomes(shards, regions), problems };
  }
  const owner = new Map<number, string>();
  const resolved: Record<string, number[]> = Object.fromEntries(regions.map((r) => [r, []]));
  for (const [region, given] of Object.entries(homes)) {
    const path = `${SHARDS_PATH}.homes.${region}`;
    const text = String(given);
    if (!regions.includes(region)) {
      add(path, `${region} is not one of this environment's regions; allowed: ${regions.join(', ')}`);
      continue;
    }
    const list = parseShardList(text);
    if (list === undefined) {
      add(path, `${shownValue(given)} is not a list of shard ranges; allowed: ranges and shards separated by commas (e.g. "0-19" or "0-9, 40-49")`);
      continue;
    }
    for (const shard of list) {
      if (shard >= shards) {
        add(path, `shard ${shard} is out of range; allowed: 0–${shards - 1} (${shardsField} is ${shards})`);
        break;
      }
      const earlier = owner.get(shard);
      if (earlier !== undefined) {
        add(path, `shard ${shard} is already homed in ${earlier}; each shard has one home region`);
        break;
      }
      owner.set(shard, region);
      resolved[region].push(shard);
    }
  }
  if (problems.length > 0) return { problems };
  const homeless = Array.from({ length: shards }, (_, shard) => shard).filter((shard) => !owner.has(shard));
  if (homeless.length > 0) {
    add(`${SHARDS_PATH}.homes`, `shards ${describeShardList(homeless)} have no home region; every shard 0–${shards - 1} needs one`);
  }
  for (const region of regions) {
    if (resolved[region].length === 0 && homeless.length === 0) {
      add(
        `${SHARDS_PATH}.homes`,
        `${region} homes no shard; every region homes at least one, since its services write only to the shards homed there (docs/shards.md)`,
      );
    }
  }
  if (problems.length > 0) return { problems };
  return { homes: Object.fromEntries(regions.map((r) => [r, resolved[r].sort((a, b) => a - b)])), problems };
}

/** The fields of an environment file the shard rules read. */
export interface ShardsInput {
  readonly components?: { readonly postgres?: { readonly shards?: PostgresShardsConfig } };
  readonly database?: { readonly engine?: 'postgres' | 'cockroachdb'; readonly shards?: number; readonly readReplicas?: number };
}

/**
 * Shard settings the environment cannot run: shards need Aurora (hyperscale, massive) on
 * Postgres, and a count or reader count given in two places is ambiguous. The homes are checked
 * against the final count when the environment is sized (`resolveShardHomes`).
 */
export function shardComponentProblems(file: string, config: ShardsInput, { stage, chosen }: { stage: Stage; chosen: string }): Problem[] {
  const shards = config.components?.postgres?.shards;
  if (shards === undefined) return [];
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ file, path, message });
  const engine = config.database?.engine ?? (stage === 'massive' ? 'cockroachdb' : 'postgres');
  if (!isAtLeast(stage, 'hyperscale')) {
    add(SHARDS_PATH, `${stage}${chosen} runs one Postgres primary; shards (Aurora clusters homed in regions) start at hyperscale`);
  } else if (engine !== 'postgres') {
    add(SHARDS_PATH, 'applies to engine postgres (database.engine: postgres); CockroachDB shards its ranges itself');
  }
  if (shards.count !== undefined && config.database?.shards !== undefined) {
    add(`${SHARDS_PATH}.count`, `database.shards (${config.database.shards}) says it too; give the count in one place`);
  }
  if (shards.replicasPerShard !== undefined && config.database?.readReplicas !== undefined) {
    add(`${SHARDS_PATH}.replicasPerShard`, `database.readReplicas (${config.database.readReplicas}) says it too; give the readers in one place`);
  }
  if (shards.homes !== undefined && shards.count === undefined && config.database?.shards === undefined) {
    add(`${SHARDS_PATH}.homes`, `needs ${SHARDS_PATH}.count: the homes name shards 0 to count − 1`);
  }
  return problems;
}
