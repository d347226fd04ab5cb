/**
 * The stand-in wired into the offline check (`checkStacksOffline` and `stagecraft validate`, where it
 * is always attached): a stack the stand-in cannot serve faithfully is bad input (exit 2) naming the
 * stack and the type, before terraform runs, as is a broken install of the bindings the stand-in's
 * schema comes from (a .jsii manifest of another version than the package). (That the Cloudflare-only edge stack and the apps
 * stacks plan with it is test/terraform/examples.test.ts, which plans every example stack once.)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Io } from '../../../cli/command';
import { runCli } from '../../../cli/main';
import { ExampleSynthesis, synthesizeExamples } from '../../helpers/examples';

function captureIo(cwd: string): Io & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    cwd,
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    stdout: () => out,
    stderr: () => err,
  };
}

describe('the stand-in in the offline check', () => {
  let examples: ExampleSynthesis;

  beforeAll(() => {
    examples = synthesizeExamples();
  });

  afterAll(() => {
    fs.rmSync(path.dirname(examples.outdir), { recursive: true, force: true });
  });

  it('stagecraft validate exits 2 naming the stack and the type it cannot serve, before running terraform', async () => {
    const stackFile = path.join(examples.outdir, 'stacks', 'acme-launch-edge', 'cdk.tf.json');
    const stack = JSON.parse(fs.readFileSync(stackFile, 'utf8'));
    stack.terraform.required_providers.cloudflare.version = '5.15.0';
    stack.resource.cloudflare_tunnel_of_love = { tunnel: { name: 'x' } };
    fs.writeFileSync(stackFile, JSON.stringify(stack));
    const io = captureIo(path.dirname(examples.outdir));
    const code = await runCli(['validate', '--out', examples.outdir, '--stack', 'acme-launch-edge'], io);
    expect(code).toBe(2);
    expect(io.stderr()).toBe(
      `${stackFile}: cloudflare: requires cloudflare provider version "5.15.0", but the stand-in's schema is registry.terraform.io/cloudflare/cloudflare 5.14.0 ` +
        '(from @cdktf/provider-cloudflare@13.9.1); pin the version the bindings were generated from\n' +
        `${stackFile}: cloudflare_tunnel_of_love: the cloudflare stand-in (@cdktf/provider-cloudflare@13.9.1, provider 5.14.0) has no resource type cloudflare_tunnel_of_love\n`,
    );
    expect(io.stdout()).toBe('');
  });

  it('stagecraft validate exits 2 naming every stack of a provider whose bindings do not match their own schema, before running terraform', async () => {
    // A project whose @cdktf/provider-cloudflare is the real one but for its package.json, which says
    // another version (a broken install): the stand-in resolves its bindings from the working directory.
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-broken-bindings-'));
    const real = path.dirname(require.resolve('@cdktf/provider-cloudflare/package.json'));
    const broken = path.join(project, 'node_modules', '@cdktf', 'provider-cloudflare');
    fs.mkdirSync(broken, { recursive: true });
    for (const entry of fs.readdirSync(real)) if (entry !== 'package.json') fs.symlinkSync(path.join(real, entry), path.join(broken, entry));
    const manifest = JSON.parse(fs.readFileSync(path.join(real, 'package.json'), 'utf8')) as { version: string };
    fs.writeFileSync(path.join(broken, 'package.json'), JSON.stringify({ ...manifest, version: '0.0.0-broken' }));
    const io = captureIo(project);
    const cwd = process.cwd();
    let code: number;
    try {
      process.chdir(project);
      code = await runCli(
        ['validate', '--out', examples.outdir, '--stack', 'acme-launch-edge', '--stack', 'acme-growth-edge', '--stack', 'acme-growth-us-east-1-apps'],
        io,
      );
    } finally {
      process.chdir(cwd);
      fs.rmSync(project, { recursive: true, force: true });
    }
    expect(code).toBe(2);
    const message =
      `cloudflare: cannot be checked: the cloudflare stand-in's schema would come from @cdktf/provider-cloudflare@${manifest.version} ` +
      `(the .jsii manifest in ${broken}), but its package.json says 0.0.0-broken; reinstall the bindings (npm ci)`;
    // In the order given; the apps stack needs only the kubernetes stand-in, whose bindings are whole: not reported.
    expect(io.stderr()).toBe(
      ['acme-launch-edge', 'acme-growth-edge'].map((name) => `${path.join(examples.outdir, 'stacks', name, 'cdk.tf.json')}: ${message}\n`).join(''),
    );
    expect(io.stdout()).toBe('');
  });
});
