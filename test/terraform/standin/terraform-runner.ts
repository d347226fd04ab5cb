/**
 * Test helper: runs real `terraform init/validate/plan` in a working directory with the stand-in
 * attached, the AWS provider taken from the local filesystem mirror with fake credentials, and
 * cdktf's cross-stack remote states stubbed. It mirrors what the offline engine
 * (terraform/offline.ts) does for AWS-only stacks, until that engine attaches the stand-in itself.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { StackJson } from '../../../synthesis/stack-views';
import { planRemoteStateStubs, remoteStateDataSources, stubStateFile } from '../../../terraform/stub-state';
import { base64DecodedStubOutputs } from '../../../terraform/standin/offline-attach';
import { RunningStandin } from '../../../terraform/standin/server';
import { OFFLINE_AWS_CREDENTIALS, offlineCliConfig } from '../../../terraform/offline';

/** What one terraform command printed. */
export interface TerraformResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Writes a CLI config that installs hashicorp/* from the mirror only; reattached providers are never installed. */
export function writeCliConfig(file: string, mirror: string): void {
  fs.writeFileSync(file, offlineCliConfig(mirror));
}

/** The environment terraform runs in: the stand-in attached, no inherited TF_ or AWS_ settings, no network. */
export function terraformEnv(cliConfigFile: string, standin: RunningStandin): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(TF_|AWS_)/.test(key) || /^(https?_proxy|no_proxy|all_proxy)$/i.test(key)) continue;
    env[key] = value;
  }
  return {
    ...env,
    TF_CLI_CONFIG_FILE: cliConfigFile,
    TF_REATTACH_PROVIDERS: standin.reattach,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '',
  };
}

export function runTerraform(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<TerraformResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('terraform', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => {
      err.push(Buffer.from(error.message));
    });
    child.on('close', (code) =>
      resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: Date.now() - started }),
    );
  });
}

/** Copies a synthesized stack into `dir` with the offline overrides: local backend, fake AWS credentials, stubbed remote states. */
export function prepareStackDir(dir: string, stackFile: string, stacks: ReadonlyMap<string, StackJson>): void {
  const stack = JSON.parse(fs.readFileSync(stackFile, 'utf8')) as StackJson;
  fs.mkdirSync(path.join(dir, 'remote-state'), { recursive: true });
  fs.copyFileSync(stackFile, path.join(dir, 'cdk.tf.json'));
  const assets = path.join(path.dirname(stackFile), 'assets');
  if (fs.existsSync(assets)) fs.symlinkSync(assets, path.join(dir, 'assets'), 'dir');
  const write = (name: string, value: unknown): void => fs.writeFileSync(path.join(dir, name), JSON.stringify(value, null, 2));
  write('offline_backend_override.tf.json', { terraform: { backend: { local: { path: path.join(dir, 'terraform.tfstate') } } } });
  const declared = (stack.provider as Record<string, unknown> | undefined)?.aws;
  const awsBlocks = (Array.isArray(declared) ? declared : declared ? [declared] : []) as Array<Record<string, unknown>>;
  if (awsBlocks.length > 0) {
    write('offline_aws_override.tf.json', {
      provider: { aws: awsBlocks.map((block) => ({ ...(typeof block.alias === 'string' ? { alias: block.alias } : {}), ...OFFLINE_AWS_CREDENTIALS })) },
    });
  }
  const stubPath = (name: string): string => path.join(dir, 'remote-state', `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.tfstate`);
  const remoteStates = Object.keys(remoteStateDataSources(stack));
  if (remoteStates.length > 0) {
    const data = Object.fromEntries(remoteStates.map((name) => [name, { backend: 'local', config: { path: stubPath(name) }, workspace: 'default' }]));
    write('offline_remote_state_override.tf.json', { data: { terraform_remote_state: data } });
  }
  for (const stub of planRemoteStateStubs(stack, stacks)) {
    const state = base64DecodedStubOutputs(stack, stub.dataSource, stubStateFile(stub, undefined));
    fs.writeFileSync(stubPath(stub.dataSource), JSON.stringify(state));
  }
}

/** Error summaries and details of terraform's human output, one string per diagnostic. */
export function errorBlocks(output: string): string[] {
  return output
    .split(/\n(?=(?:│ )?Error: )/)
    .filter((block) => /^(?:│ )?Error: /.test(block.trimStart()))
    .map((block) =>
      block
        .split('\n')
        .map((line) => line.replace(/^[│╷╵]\s?/, ''))
        .join('\n')
        .replace(/\s+/g, ' ')
        .trim(),
    );
}
