/**
 * The stand-in wired into the offline check (`checkStacksOffline` with `providerStandIn`, and
 * `stagecraft validate` with STAGECRAFT_PROVIDER_STANDIN=1): a Cloudflare-only edge stack plans ok,
 * an apps stack fails on kubernetes_manifest instead of being skipped, and a stack the stand-in
 * cannot serve faithfully is bad input (exit 2) naming the stack and the type, before terraform runs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Io } from '../../../cli/command';
import { runCli } from '../../../cli/main';
import { checkStacksOffline, StackCheckResult } from '../../../terraform/offline';
import { STANDIN_ENV } from '../../../terraform/standin/offline-attach';
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
        providerStandIn: true,
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

  it('fails an apps stack on kubernetes_manifest instead of skipping it', () => {
    const apps = results[1];
    expect([apps.stack, apps.status, apps.reason, apps.validate.valid]).toEqual(['acme-growth-us-east-1-apps', 'failed', 'terraform plan failed', true]);
    expect(apps.validate.diagnostics.length).toBeGreaterThan(0);
    // The offline engine keeps the summary of each `plan -json` error.
    expect(new Set(apps.validate.diagnostics)).toEqual(
      new Set(['plan: Error: The kubernetes stand-in refuses to plan kubernetes_manifest, which needs a live kubernetes API']),
    );
  });

  it('stagecraft validate exits 2 naming the stack and the type it cannot serve, before running terraform', async () => {
    const stackFile = path.join(examples.outdir, 'stacks', 'acme-launch-edge', 'cdk.tf.json');
    const stack = JSON.parse(fs.readFileSync(stackFile, 'utf8'));
    stack.terraform.required_providers.cloudflare.version = '5.15.0';
    stack.resource.cloudflare_tunnel_of_love = { tunnel: { name: 'x' } };
    fs.writeFileSync(stackFile, JSON.stringify(stack));
    const io = captureIo(path.dirname(examples.outdir));
    const previous = process.env[STANDIN_ENV];
    process.env[STANDIN_ENV] = '1';
    try {
      const code = await runCli(['validate', '--out', examples.outdir, '--stack', 'acme-launch-edge'], io);
      expect(code).toBe(2);
    } finally {
      if (previous === undefined) delete process.env[STANDIN_ENV];
      else process.env[STANDIN_ENV] = previous;
    }
    expect(io.stderr()).toBe(
      `${stackFile}: cloudflare: requires cloudflare provider version "5.15.0", but the stand-in's schema is registry.terraform.io/cloudflare/cloudflare 5.14.0 ` +
        '(from @cdktf/provider-cloudflare@13.9.1); pin the version the bindings were generated from\n' +
        `${stackFile}: cloudflare_tunnel_of_love: the cloudflare stand-in (@cdktf/provider-cloudflare@13.9.1, provider 5.14.0) has no resource type cloudflare_tunnel_of_love\n`,
    );
    expect(io.stdout()).toBe('');
  });
});
