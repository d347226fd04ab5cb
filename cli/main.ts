/** `stagecraft <command>`: dispatch, --help, and the exit-code contract (0 ok, 1 failed check, 2 bad input). */
import { formatFlags, parseArgs } from './args';
import { Command, HELP_FLAG, Io } from './command';
import { UserInputError } from '../config/errors';
import { findProjectRoot } from '../config/project';
import { checkCommand } from './commands/check';
import { reviewCommand } from './commands/review';
import { synthCommand } from './commands/synth';
import { validateCommand } from './commands/validate';
import { sizeCommand } from './commands/size';
import { costCommand } from './commands/cost';
import { adviseCommand } from './commands/advise';
import { graphCommand } from './commands/graph';
import { reportCommand } from './commands/report';
import { readinessCommand } from './commands/readiness';
import { initCommand } from './commands/init';
import { skipTokenCreationStacks } from './token-stack-traces';

/** The cdktf app, exported from the same bundle (bin/cdktf-app.js runs it). */
export { cdktfApp } from './cdktf-app';

export const COMMANDS: readonly Command[] = [
  initCommand,
  synthCommand,
  validateCommand,
  sizeCommand,
  costCommand,
  adviseCommand,
  checkCommand,
  readinessCommand,
  reviewCommand,
  graphCommand,
  reportCommand,
];

export function helpFor(command: Command): string {
  const parts = [`Usage: stagecraft ${command.usage}`, '', command.summary, '', 'Options:', formatFlags([...command.flags, HELP_FLAG])];
  if (command.details) parts.push('', command.details);
  return parts.join('\n') + '\n';
}

function topLevelHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: stagecraft <command> [options]',
    '',
    'Infrastructure for every growth stage of a web product, on CDK for Terraform.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `stagecraft <command> --help` for the options of one command.',
    '',
  ].join('\n');
}

/**
 * Runs the CLI; returns the exit code instead of exiting, so tests can call it in-process.
 * Commands run from the project root (config/project.ts), found from `io.cwd` upward, as cdktf
 * runs from the folder of cdktf.json: paths they read and write are relative to it.
 */
export async function runCli(argv: readonly string[], given: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    given.out(topLevelHelp());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  try {
    if (!command) {
      throw new UserInputError([
        { file: 'stagecraft', path: 'command', message: `unknown command "${name}"; allowed: ${COMMANDS.map((c) => c.name).join(', ')}` },
      ]);
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      given.out(helpFor(command));
      return 0;
    }
    const args = parseArgs(command.name, rest, command.flags);
    const io: Io = command.runsInProjectRoot === false ? given : { ...given, cwd: findProjectRoot(given.cwd) };
    return await command.run(args, io);
  } catch (error) {
    // Construct props are checked against the sizes the configuration produced: both are input errors.
    if (error instanceof UserInputError) {
      given.err(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

/** Entry point of bin/stagecraft.js. */
export function main(): void {
  skipTokenCreationStacks();
  const io: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), cwd: process.cwd() };
  runCli(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // An internal failure, not bad input: keep the trace, it is a bug report.
      process.stderr.write(`stagecraft: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 70;
    },
  );
}
