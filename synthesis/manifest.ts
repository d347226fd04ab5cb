/**
 * A synthesis directory's manifest (`<outdir>/manifest.json`, written by cdktf): the stacks, where
 * each stack's `cdk.tf.json` is, and the stacks each one is deployed after (`dependencies`: the
 * order `cdktf deploy '*'` follows, docs/deploy-order.md). A missing or unreadable manifest is
 * input to fix (exit 2).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserInputError } from '../config/errors';

/** One stack of a synthesis manifest. */
export interface ManifestStack {
  readonly name: string;
  /** Absolute path of the stack's `cdk.tf.json`. */
  readonly file: string;
  /** The stacks `cdktf deploy` applies before this one (cross-stack references and `addDependency`). */
  readonly dependencies: readonly string[];
}

/** The stacks of a cdktf synthesis (`<outdir>/manifest.json`). */
export interface SynthManifest {
  readonly outdir: string;
  readonly stacks: readonly ManifestStack[];
}

/** Reads `<outdir>/manifest.json`; a missing or unreadable manifest is input the user must fix. */
export function readManifest(outdir: string): SynthManifest {
  const file = path.join(outdir, 'manifest.json');
  if (!fs.existsSync(file)) {
    throw new UserInputError([{ file, path: '(root)', message: 'not found; run `npm run synth` first' }]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserInputError([{ file, path: '(root)', message: `is not valid JSON (${(error as Error).message}); run \`npm run synth\` again` }]);
  }
  const stacks = (parsed as { stacks?: Record<string, { synthesizedStackPath?: string; dependencies?: unknown }> }).stacks;
  if (!stacks || typeof stacks !== 'object') {
    throw new UserInputError([{ file, path: 'stacks', message: 'missing; this is not a cdktf manifest, run `npm run synth` again' }]);
  }
  return {
    outdir,
    stacks: Object.entries(stacks).map(([name, entry]) => ({
      name,
      file: path.resolve(outdir, entry.synthesizedStackPath ?? path.join('stacks', name, 'cdk.tf.json')),
      dependencies: Array.isArray(entry.dependencies) ? entry.dependencies.filter((d): d is string => typeof d === 'string') : [],
    })),
  };
}

/** Names that are not stacks of the manifest. */
export function unknownStacks(manifest: SynthManifest, names: readonly string[]): string[] {
  const known = new Set(manifest.stacks.map((s) => s.name));
  return names.filter((name) => !known.has(name));
}
