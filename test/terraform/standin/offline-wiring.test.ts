/**
 * The stand-in wired into the offline check (`checkStacksOffline` and `stagecraft validate`, where it
 * is always attached): a Cloudflare-only edge stack plans ok, an apps stack of typed kubernetes
 * resources plans ok with its provider configured from the regional stack's outputs (no live
 * cluster), and a stack the stand-in cannot serve faithfully is bad input (exit 2) naming the stack
 * and the type, before terraform runs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Io } from '../../../cli/command';
import { runCli } from '../../../cli/main';
import { checkStacksOffline, StackCheckResult } from '../../../terraform/offline';
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
  let results: StackCheckResult[];

  beforeAll(
    async () => {
      examples = synthesizeExamples();
      results = await checkStacksOffline(examples.outdir, {
        stacks: ['acme-launch-edge', 'acme-growth-us-east-1-apps'],
        onProgress: (line) => process.stderr.write(`${line}\n`),
      });
    },
    10 * 60 * 1000,
  );

  afterAll(() => {
    fs.rmSync(path.dirname(examples.outdir), { recursive: true, force: true });
  });

  it('plans a Cloudflare-only edge stack: every synthesized resource to add', () => {
    const launch = results[0];
    const synthesized = examples.summaries.find((s) => s.name === 'acme-launch-edge')!;
    expect({ status: launch.status, diagnostics: launch.validate.diagnostics, plan: launch.plan }).toEqual({
      status: 'ok',
      diagnostics: [],
      plan: { add: synthesized.resources, change: 0, destroy: 0, resourceCount: synthesized.resources },
    });
  });

  it('plans an apps stack before its cluster exists: typed resources, the provider configured from cross-stack outputs', () => {
    const apps = results[1];
    const synthesized = examples.summaries.find((s) => s.name === 'acme-growth-us-east-1-apps')!;
    const json = examples.stack('acme-growth-us-east-1-apps');
    // The provider's endpoint and CA are the regional stack's outputs, which the offline check stubs: no API server is reached.
    const [provider] = json.provider!.kubernetes as Array<Record<string, string>>;
    expect(provider.host).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-acme-growth-us-east-1\.outputs\./);
    expect(Object.keys(json.resource ?? {}).filter((type) => type === 'kubernetes_manifest')).toEqual([]);
    expect({ status: apps.status, diagnostics: apps.validate.diagnostics, plan: apps.plan }).toEqual({
      status: 'ok',
      diagnostics: [],
      plan: { add: synthesized.resources, change: 0, destroy: 0, resourceCount: synthesized.resources },
    });
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
