/**
 * The stand-in wired into the offline check (`checkStacksOffline` and `stagecraft validate`, where it
 * is always attached): a stack the stand-in cannot serve faithfully is bad input (exit 2) naming the
 * stack and the type, before terraform runs. (That the Cloudflare-only edge stack and the apps
 * stacks plan with it is test/terraform/examples.test.ts, which plans every example stack once.)
 */
import * as fs from 'fs';
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
});
