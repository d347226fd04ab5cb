/** `stagecraft synth`: validate environment files and synthesize their stacks. */
import { resolve } from 'node:path';
import { environmentFiles, loadEnvironments } from '../../config/load';
import { single } from '../args';
import { Command, JSON_FLAG } from '../command';
import { synthesizeEnvironments } from '../../stacks/synthesize';

export const synthCommand: Command = {
  name: 'synth',
  summary: 'Validate environment files and synthesize their stacks into Terraform JSON',
  usage: 'synth [--env <name-or-path>]... [--services <dir>] [--out <dir>] [--json]',
  flags: [
    {
      name: 'env',
      takesValue: true,
      repeatable: true,
      valueName: '<name-or-path>',
      description: 'environment name in environments/, or a YAML path (default: every file in environments/)',
    },
    {
      name: 'services',
      takesValue: true,
      valueName: '<dir>',
      description: "service catalog directory, one <name>.yaml per service (default: the project's services/)",
    },
    { name: 'out', takesValue: true, valueName: '<dir>', description: 'output directory (default: cdktf.out)' },
    JSON_FLAG,
  ],
  details: [
    'Every file is validated before anything is written; on bad input the command lists',
    'every problem as `<file>: <field path>: <message>`, exits 2, and leaves the output',
    'directory exactly as it was. Stacks are written to a staging directory and swapped in.',
    '--out replaces only a new or empty directory or one Stagecraft wrote (it holds .stagecraft-output);',
    'the project root, its source folders, the current directory and other non-empty directories are refused.',
    'Local Terraform state lives in the project root (terraform.<stack>.tfstate), outside the output.',
  ].join('\n'),
  async run(args, io) {
    const files = environmentFiles(args.values.env ?? [], io.cwd);
    const environments = loadEnvironments(files, io.cwd, { servicesDir: single(args, 'services') });
    const given = single(args, 'out') ?? 'cdktf.out';
    const outdir = resolve(io.cwd, given);
    const started = Date.now();
    const servicesDir = single(args, 'services');
    const stacks = synthesizeEnvironments(environments, {
      outdir: given,
      cwd: io.cwd,
      stateDir: io.cwd,
      inputs: [...files, ...(servicesDir === undefined ? [] : [servicesDir])],
      deployable: true,
      onProgress: (line) => io.err(`${line}\n`),
    });
    const seconds = (Date.now() - started) / 1000;
    if (args.switches.has('json')) {
      io.out(
        JSON.stringify(
          {
            outdir,
            environments: environments.map((e) => ({ name: e.name, stage: e.stage, regions: e.regions.map((r) => r.code), file: e.sourceFile })),
            stacks,
            seconds,
          },
          null,
          2,
        ) + '\n',
      );
      return 0;
    }
    const width = Math.max(...stacks.map((s) => s.name.length));
    for (const stack of stacks) io.out(`${stack.name.padEnd(width)}  ${String(stack.resources).padStart(4)} resources\n`);
    const total = stacks.reduce((n, s) => n + s.resources, 0);
    io.out(`synthesized ${stacks.length} stacks (${total} resources) from ${environments.length} environments into ${outdir} in ${seconds.toFixed(1)} s\n`);
    return 0;
  },
};
