/** A small, strict argument parser: unknown flags are errors, every flag is documented for --help. */
import { UserInputError } from '../config/errors';

/** One flag a command accepts. */
export interface FlagSpec {
  readonly name: string;
  /** Takes a value (`--out dir`) rather than being a switch (`--json`). */
  readonly takesValue: boolean;
  /** May be given more than once (values are collected). */
  readonly repeatable?: boolean;
  /** Shown by --help, e.g. `<name-or-path>`. */
  readonly valueName?: string;
  readonly description: string;
}

export interface ParsedArgs {
  readonly values: Readonly<Record<string, readonly string[]>>;
  readonly switches: ReadonlySet<string>;
  readonly positionals: readonly string[];
}

export function parseArgs(command: string, argv: readonly string[], flags: readonly FlagSpec[]): ParsedArgs {
  const values: Record<string, string[]> = {};
  const switches = new Set<string>();
  const positionals: string[] = [];
  const problems: string[] = [];
  const known = flags.map((f) => `--${f.name}`).join(', ');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const [rawName, inlineValue] = arg.slice(2).split(/=(.*)/s, 2);
    const spec = flags.find((f) => f.name === rawName);
    if (!spec) {
      problems.push(`unknown flag --${rawName}; allowed: ${known}`);
      continue;
    }
    if (!spec.takesValue) {
      if (inlineValue !== undefined) problems.push(`--${spec.name} takes no value; received "${inlineValue}"`);
      switches.add(spec.name);
      continue;
    }
    const value = inlineValue ?? argv[++i];
    if (value === undefined || (inlineValue === undefined && value.startsWith('--'))) {
      problems.push(`--${spec.name} needs a value ${spec.valueName ?? ''}`.trimEnd());
      if (value !== undefined) i--;
      continue;
    }
    if (values[spec.name] && !spec.repeatable) problems.push(`--${spec.name} may be given once`);
    (values[spec.name] ??= []).push(value);
  }
  if (problems.length > 0) {
    throw new UserInputError(problems.map((message) => ({ file: `stagecraft ${command}`, path: 'arguments', message })));
  }
  return { values, switches, positionals };
}

/** The last value of a flag, or undefined. */
export function single(args: ParsedArgs, name: string): string | undefined {
  const list = args.values[name];
  return list?.[list.length - 1];
}

export function formatFlags(flags: readonly FlagSpec[]): string {
  const rows = flags.map((f) => [`--${f.name}${f.takesValue ? ` ${f.valueName ?? '<value>'}` : ''}`, f.description + (f.repeatable ? ' (repeatable)' : '')]);
  const width = Math.max(...rows.map(([left]) => left.length), 10);
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join('\n');
}
