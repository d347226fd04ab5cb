/**
 * Test helper: runs real `terraform init/validate/plan` on hand-written configurations in a working
 * directory with the stand-in attached and the AWS provider taken from the local filesystem mirror.
 * (Synthesized stacks go through the offline engine, terraform/offline.ts, which attaches the
 * stand-in itself.)
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import { RunningStandin } from '../../../terraform/standin/server';
import { offlineCliConfig } from '../../../terraform/offline';

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
