/**
 * `stagecraft init`: makes the current folder a Stagecraft project, as a team does in its own
 * infrastructure repository after `npm install --save-dev stagecraft`. Writes a starter
 * environment, two starter services and a cdktf.json whose app is this package's precompiled
 * cdktf app. It never overwrites: when any file it would write exists, it writes nothing,
 * names each one and exits 2.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { Problem, UserInputError } from '../../config/errors';
import { PROJECT_FILE } from '../../config/project';
import { single } from '../args';
import { Command, JSON_FLAG } from '../command';

const COMMAND = 'stagecraft init';
/** The package's root: bin/, dist/ and templates/ are there, in a checkout and once installed. */
const PACKAGE_ROOT = resolve(__dirname, '..', '..');
/** The starter files, laid out as they are written (environments/, services/). */
const TEMPLATES = join(PACKAGE_ROOT, 'templates', 'init');

/** Every file under `dir`, relative to it, with `/` separators, sorted. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((entry) => {
      const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      return entry.isDirectory() ? filesUnder(dir, path) : [path];
    })
    .sort();
}

/** `path` as one shell word: left bare when it is only safe characters, else single-quoted. */
function shellWord(path: string): string {
  return /^[A-Za-z0-9_./@+-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/** The cdktf.json of a new project: cdktf runs this package's precompiled app, found from the project folder. */
export function projectFile(projectDir: string, packageRoot = PACKAGE_ROOT): string {
  const app = relative(projectDir, join(packageRoot, 'bin', 'cdktf-app.js'))
    .split(sep)
    .join('/');
  const config = {
    language: 'typescript',
    app: `node ${shellWord(app)}`,
    projectId: randomUUID(),
    sendCrashReports: 'false',
    terraformProviders: [],
    terraformModules: [],
    context: {},
  };
  return JSON.stringify(config, null, 2) + '\n';
}

/** The starter environment's commented account lines, which `--account-id` replaces. */
const ACCOUNT_PLACEHOLDER = '# aws:\n#   accountId: "123456789012"\n';

/** What init writes into `projectDir`: relative path → text; with `accountId`, the starter environment names it. */
export function starterFiles(projectDir: string, accountId?: string): Record<string, string> {
  const files: Record<string, string> = { [PROJECT_FILE]: projectFile(projectDir) };
  for (const path of filesUnder(TEMPLATES)) {
    const text = readFileSync(join(TEMPLATES, path), 'utf8');
    files[path] =
      accountId !== undefined && text.includes(ACCOUNT_PLACEHOLDER) ? text.replace(ACCOUNT_PLACEHOLDER, `aws:\n  accountId: "${accountId}"\n`) : text;
  }
  return files;
}

export const initCommand: Command = {
  name: 'init',
  summary: 'Start a project here: a starter environment, services and cdktf.json (never overwrites)',
  usage: 'init [--dir <folder>] [--account-id <12 digits>] [--json]',
  runsInProjectRoot: false,
  flags: [
    {
      name: 'dir',
      takesValue: true,
      valueName: '<folder>',
      description: 'the folder to start the project in, created when missing (default: the current folder)',
    },
    {
      name: 'account-id',
      takesValue: true,
      valueName: '<12 digits>',
      description: 'the AWS account the stacks deploy to, written as aws.accountId (default: a commented line to fill in)',
    },
    JSON_FLAG,
  ],
  details: [
    `Writes ${PROJECT_FILE} (cdktf runs this package's precompiled app), environments/launch.yaml and`,
    'services/api.yaml and services/worker.yaml. Edit them, then `npx stagecraft synth`; every command, and',
    '`npx cdktf synth|diff|deploy`, reads environments/ and services/ of the project root, found from any subfolder.',
    'When any of these files exists, nothing is written: each is named and the exit code is 2.',
  ].join('\n'),
  async run(args, io) {
    const given = single(args, 'dir') ?? '.';
    const dir = resolve(io.cwd, given);
    const existing = statSync(dir, { throwIfNoEntry: false });
    if (existing && !existing.isDirectory()) {
      throw new UserInputError([{ file: COMMAND, path: '--dir', message: `"${given}" is a file; give a folder (it is created when missing)` }]);
    }
    const accountId = single(args, 'account-id');
    if (accountId !== undefined && !/^\d{12}$/.test(accountId)) {
      throw new UserInputError([{ file: COMMAND, path: '--account-id', message: `a 12-digit AWS account ID (e.g. 123456789012); received "${accountId}"` }]);
    }
    const files = starterFiles(dir, accountId);
    const shown = (path: string) => relative(io.cwd, join(dir, path)).split(sep).join('/');
    const taken: Problem[] = Object.keys(files)
      .filter((path) => existsSync(join(dir, path)))
      .map((path) => ({
        file: shown(path),
        path: '(root)',
        message: 'already exists; stagecraft init writes only new files (nothing was written): move it away, or edit the project yourself',
      }));
    if (taken.length > 0) throw new UserInputError(taken);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text, { flag: 'wx' });
    }
    const written = Object.keys(files).map(shown);
    if (args.switches.has('json')) {
      io.out(JSON.stringify({ project: dir, written }, null, 2) + '\n');
    } else {
      io.out(
        [
          ...written.map((path) => `wrote ${path}`),
          '',
          'Next: edit the environment and the services (your images, ports and data stores), then',
          '  npx stagecraft synth      # Terraform JSON in cdktf.out/',
          '  npx stagecraft check      # guardrails',
          '  npx cdktf diff            # needs cdktf-cli; the same synthesis',
          'Keep cdktf.out/ and *.tfstate out of git.',
          '',
        ].join('\n'),
      );
    }
    return 0;
  },
};
