/**
 * The offline Terraform check behind `stagecraft validate`: every stack of a synthesis is run
 * through `terraform init` and `plan` (whose first step is the validate walk; `terraform validate`
 * runs on its own only after a failed plan, to tell invalid configuration from a failed plan), and
 * `show` where plan JSON is asked for, with no network and no credentials.
 *
 * Each stack runs in a fresh temporary directory holding a copy of its `cdk.tf.json` and override
 * files (`*_override.tf.json`) that swap the backend for a local one, give every AWS provider
 * block fake credentials, and point every cross-stack `terraform_remote_state` at a stub state
 * built from the upstream stack's synthesized outputs. The synthesis output is never written to.
 * AWS comes from the local provider mirror (the real provider); Cloudflare and Kubernetes from the
 * provider stand-in (terraform/standin), attached for every run that has such a stack. No stack is
 * ever skipped: a stack no offline provider serves, a type the stand-in lacks, or a missing
 * terraform binary or mirror is bad input (UserInputError, exit 2) naming the stack and the type.
 *
 * Measured on a 2-core machine with the provider in an unpacked filesystem mirror (~700 MB):
 * `terraform init` does not copy the provider, it symlinks the mirror's directory into
 * `.terraform/providers`, with or without a plugin cache (a cache only adds a second symlink and
 * is not safe for concurrent inits), so no TF_PLUGIN_CACHE_DIR is set. What costs is starting the
 * AWS provider, ~2 CPU seconds each time: a small stack's init takes ~0.8 CPU s (no provider
 * start), validate ~4.5 (two starts), plan ~6 (three: schema, validate walk, plan walk), so a
 * separate validate before the plan would repeat a third of the work. Checks of several stacks are
 * CPU-bound: two at a time on two cores, the costliest first (planWeight). Each of the two slots
 * runs the AWS provider once (aws-provider.ts) and attaches to it every stack with one AWS
 * configuration in use (attachesAws), so those commands start no provider at all: a plan of
 * acme-launch-us-east-1 went from 7.3 to 5.0 CPU s, provider included. Through the schema proxy
 * (aws-schema-proxy.ts, the default), every stack with AWS resources and no modules attaches, with
 * a provider process per configuration in use, and terraform decodes the schema of the stack's own
 * types only: a plan and `show -json` of acme-growth-us-east-1 went from ~8 to ~4 CPU s, of
 * acme-massive-eu-west-1 (two configurations) from 19.3 (its own providers) to 7.9.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UserInputError } from '../config/errors';
import { AttributeTypeLookup, planRemoteStateStubs, remoteStateDataSources, RemoteStateStub, schemaLookup, stubsNeedSchema, stubStateFile } from './stub-state';
import { StackJson } from '../synthesis/stack-views';
import { record } from '../synthesis/values';
import { OFFLINE_VALUE_KEY } from '../constructs/shared/offline-value';
import { readManifest, unknownStacks } from '../synthesis/manifest';
import { AttachedStandin, attachStandin, base64DecodedStubOutputs, isHashicorpAws, unservedProviderReason } from './standin/offline-attach';
import { STANDIN_PROVIDERS } from './standin/providers';
import { AttachedAwsProvider, awsProviderBinary, startAwsProvider } from './aws-provider';
import { awsProviderSchemaOnly, awsSchemaCacheFile, readAwsSchemaCache, writeAwsSchemaCache } from './aws-schema-cache';
import type { AwsSchemaProxy, SchemaProxyAttachment } from './aws-schema-proxy';
import type { NamedTypes } from './provider-schema-trim';

/** The AWS provider version `@cdktf/provider-aws` 20.1.0 pins, and the one the mirror must hold. */
export const AWS_PROVIDER_VERSION = '5.100.0';
/** Where this machine kind keeps its provider mirror. */
export const DEFAULT_PROVIDER_MIRROR = '/opt/tf-plugins';
const AWS_IN_MIRROR = 'registry.terraform.io/hashicorp/aws';
/** Longest any single terraform command may run before it is stopped. */
const COMMAND_TIMEOUT_MS = 20 * 60 * 1000;

export type StackStatus = 'ok' | 'failed';

/**
 * What terraform's validation said: on a planned stack, the warnings of the plan (whose first step
 * is the validate walk); on a failed one, `terraform validate`'s verdict, plus the diagnostics of
 * any later step that failed.
 */
export interface ValidateSummary {
  readonly valid: boolean;
  readonly errorCount: number;
  readonly warningCount: number;
  /** One line each: errors of the failing step first, then validate's own errors and warnings. */
  readonly diagnostics: readonly string[];
}

/** Resource actions of the plan, counted as `terraform plan` counts them (a replacement is one add and one destroy). */
export interface PlanSummary {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  /** Managed resource instances in the plan, whatever their action. */
  readonly resourceCount: number;
}

/** Milliseconds spent in each terraform command. */
export interface PhaseTimings {
  readonly init?: number;
  readonly validate?: number;
  readonly schema?: number;
  readonly plan?: number;
  readonly show?: number;
}

/** The outcome of checking one stack. */
export interface StackCheckResult {
  readonly stack: string;
  readonly status: StackStatus;
  /** Which step failed. */
  readonly reason?: string;
  readonly validate: ValidateSummary;
  /** Present when the plan succeeded. */
  readonly plan?: PlanSummary;
  readonly durationMs: number;
  readonly phaseMs: PhaseTimings;
  /** Every resource instance the plan lists, with its action (`create`, `update`, …), when the plan succeeded. */
  readonly changes?: ReadonlyArray<{ readonly address: string; readonly action: string }>;
  /** `<planJsonDir>/<stack>.plan.json`, when asked for and the plan succeeded. */
  readonly planJsonPath?: string;
  /** The working directory, only when kept with STAGECRAFT_KEEP_TEMP=1. */
  readonly workDir?: string;
}

/** Options of checkStacksOffline. */
export interface OfflineCheckOptions {
  /** Stacks to check, by name. @default every stack in the manifest */
  readonly stacks?: readonly string[];
  /** Stacks checked at once; each runs its own provider processes. @default 2 */
  readonly parallelism?: number;
  /** When set, `terraform show -json` of each plan is written to `<dir>/<stack>.plan.json`. @default no plan files */
  readonly planJsonDir?: string;
  /** With planJsonDir, the stacks whose plan JSON is written (each costs a `terraform show`). @default every checked stack */
  readonly planJsonStacks?: readonly string[];
  /** Called with one line as each stack finishes. @default nothing is reported */
  readonly onProgress?: (line: string) => void;
  /** Path of the terraform binary. @default findTerraform() */
  readonly terraformPath?: string;
  /** Filesystem mirror directory holding hashicorp/aws. @default findProviderMirror() */
  readonly providerMirror?: string;
  /**
   * Whether each check slot runs the mirror's AWS provider and attaches stacks to it: through the
   * schema proxy every stack with AWS resources and no modules (attachesThroughSchemaProxy), without
   * it those with a single AWS configuration (attachesAws); false starts it in every terraform command.
   * @default true, unless STAGECRAFT_ATTACH_AWS=0
   */
  readonly attachAwsProvider?: boolean;
  /** The AWS provider binary to attach. @default the mirror's (unpacked layout; a packed mirror attaches nothing) */
  readonly awsProviderBinary?: string;
  /**
   * Whether an attached stack reaches the slot's provider through the schema proxy
   * (aws-schema-proxy.ts), whose provider schema holds only the types the stack names; false
   * attaches it to the provider directly, with the provider's whole schema.
   * @default true, unless STAGECRAFT_TRIM_AWS_SCHEMA=0
   */
  readonly trimAwsSchema?: boolean;
}

function isDirectory(candidate: string): boolean {
  try {
    return fs.statSync(candidate).isDirectory();
  } catch {
    return false;
  }
}

function mirrorHasAws(mirror: string): boolean {
  const dir = path.join(mirror, AWS_IN_MIRROR);
  if (isDirectory(path.join(dir, AWS_PROVIDER_VERSION))) return true; // unpacked layout
  try {
    return fs.readdirSync(dir).some((f) => f.startsWith(`terraform-provider-aws_${AWS_PROVIDER_VERSION}_`) && f.endsWith('.zip')); // packed layout
  } catch {
    return false;
  }
}

/** The provider mirror: STAGECRAFT_PROVIDER_MIRROR, else /opt/tf-plugins when it holds hashicorp/aws 5.100.0, else undefined. */
export function findProviderMirror(): string | undefined {
  const fromEnv = process.env.STAGECRAFT_PROVIDER_MIRROR;
  if (fromEnv) return path.resolve(fromEnv);
  return isDirectory(path.join(DEFAULT_PROVIDER_MIRROR, AWS_IN_MIRROR, AWS_PROVIDER_VERSION)) ? DEFAULT_PROVIDER_MIRROR : undefined;
}

/** The first executable `terraform` on PATH, or undefined. */
export function findTerraform(): string | undefined {
  const executable = process.platform === 'win32' ? 'terraform.exe' : 'terraform';
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, executable);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** Why the check cannot run here (what is missing, and the message), or undefined. */
function missingToolReason(terraform: string | undefined, mirror: string | undefined, mirrorFromEnv: boolean): { type: string; message: string } | undefined {
  if (!terraform) {
    return {
      type: 'terraform',
      message: 'cannot be checked: terraform not found on PATH; install Terraform 1.11 (https://developer.hashicorp.com/terraform/install) and put it on PATH',
    };
  }
  if (!mirror) {
    return {
      type: AWS_IN_MIRROR,
      message:
        `cannot be checked: no provider mirror holding hashicorp/aws ${AWS_PROVIDER_VERSION}: set STAGECRAFT_PROVIDER_MIRROR to a filesystem mirror ` +
        `(e.g. one written by \`terraform providers mirror <dir>\` on a machine with network access), or provide ${DEFAULT_PROVIDER_MIRROR}`,
    };
  }
  if (!mirrorHasAws(mirror)) {
    return {
      type: AWS_IN_MIRROR,
      message:
        `cannot be checked: provider mirror ${mirror}${mirrorFromEnv ? ' (STAGECRAFT_PROVIDER_MIRROR)' : ''} holds no ${AWS_IN_MIRROR} ${AWS_PROVIDER_VERSION}; ` +
        `fill it with \`terraform providers mirror ${mirror}\` on a machine with network access`,
    };
  }
  return undefined;
}

/** Collapses wrapped terraform text to one line. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

interface JsonDiagnostic {
  readonly severity?: string;
  readonly summary?: string;
  readonly detail?: string;
  readonly address?: string;
  readonly range?: { readonly filename?: string; readonly start?: { readonly line?: number } };
  readonly snippet?: { readonly context?: string | null };
}

function formatJsonDiagnostic(d: JsonDiagnostic): string {
  const where = [d.address ?? d.snippet?.context ?? undefined, d.range?.filename ? `${d.range.filename} line ${d.range.start?.line ?? '?'}` : undefined]
    .filter((part): part is string => Boolean(part))
    .join(', ');
  const severity = d.severity === 'warning' ? 'Warning' : 'Error';
  return `${severity}: ${oneLine(d.summary ?? '')}${d.detail ? `: ${oneLine(d.detail)}` : ''}${where ? ` (${where})` : ''}`;
}

/**
 * Diagnostics from terraform's human output (`-no-color`): `Error: <summary>`, then `with <address>,`,
 * `on <file> line <n>, in <context>:`, a source excerpt, and the detail text.
 */
export function parseHumanDiagnostics(text: string): string[] {
  const lines = text
    // ANSI colour codes: terraform colours its diagnostics unless told not to.
    // eslint-disable-next-line no-control-regex
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .map((line) => line.replace(/^[│╷╵]\s?/, ''));
  const diagnostics: string[] = [];
  let current: { severity: string; summary: string; detail: string[]; address?: string; location?: string } | undefined;
  const flush = (): void => {
    if (!current) return;
    const where = [current.address, current.location].filter(Boolean).join(', ');
    const detail = oneLine(current.detail.join(' '));
    diagnostics.push(`${current.severity}: ${oneLine(current.summary)}${detail ? `: ${detail}` : ''}${where ? ` (${where})` : ''}`);
    current = undefined;
  };
  for (const line of lines) {
    const start = /^(Error|Warning): (.*)$/.exec(line);
    if (start) {
      flush();
      current = { severity: start[1], summary: start[2], detail: [] };
      continue;
    }
    if (!current) continue;
    const withAddress = /^\s+with (.+),$/.exec(line);
    const on = /^\s+on (\S+) line (\d+)/.exec(line);
    if (withAddress) current.address = withAddress[1];
    else if (on) current.location = `${on[1]} line ${on[2]}`;
    else if (/^\s*\d+:/.test(line) || /^\s+[├│└]/.test(line))
      continue; // source excerpt
    else if (line.trim()) current.detail.push(line.trim());
  }
  flush();
  if (diagnostics.length === 0 && text.trim()) diagnostics.push(oneLine(text).slice(0, 2000));
  return diagnostics;
}

interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

function runTerraform(terraform: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(terraform, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => {
      err.push(Buffer.from(`\nError: terraform ${args[0]} timed out\n\nStopped after ${COMMAND_TIMEOUT_MS / 60000} minutes.\n`));
      child.kill('SIGTERM');
    }, COMMAND_TIMEOUT_MS);
    const finish = (code: number): void => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: Date.now() - started });
    };
    child.on('error', (error) => {
      err.push(Buffer.from(`Error: could not run ${terraform}: ${error.message}\n`));
      finish(127);
    });
    child.on('close', (code) => finish(code ?? 1));
  });
}

/**
 * The environment terraform runs in: no inherited TF_* or AWS_* settings (a developer's
 * TF_CLI_ARGS, TF_WORKSPACE or AWS_PROFILE would change the result), and an unreachable proxy,
 * so a provider call that slipped through (a data source) fails at once instead of reaching AWS.
 */
export function terraformEnv(cliConfigFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(TF_|AWS_)/.test(key) && key !== 'TF_LOG' && key !== 'TF_LOG_PATH') continue;
    if (/^(https?_proxy|no_proxy|all_proxy)$/i.test(key)) continue;
    env[key] = value;
  }
  return {
    ...env,
    TF_CLI_CONFIG_FILE: cliConfigFile,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '',
  };
}

/** A terraform CLI config that installs hashicorp/* from the mirror only (reattached providers are never installed). */
export function offlineCliConfig(mirror: string): string {
  // Only the mirror is listed, so terraform never falls back to the registry.
  return [
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(mirror)}`,
    '    include = ["registry.terraform.io/hashicorp/*"]',
    '  }',
    '}',
    '',
  ].join('\n');
}

/** The AWS provider arguments of an offline run: fake keys, no account, metadata or region lookups. */
export const OFFLINE_AWS_CREDENTIALS = {
  access_key: 'AKIASTAGECRAFTOFFLINE',
  secret_key: 'stagecraft-offline-check-not-a-secret',
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
  skip_region_validation: true,
  // An accidental API call (a data source) fails after one try instead of 25 retries with backoff.
  max_retries: 1,
};

/** Override entries for every `provider.aws` block: alias kept (it is the merge key), region left as is. */
function providerOverrides(stack: StackJson): Record<string, unknown>[] {
  const declared = record(stack.provider)?.aws;
  const blocks = (Array.isArray(declared) ? declared : declared ? [declared] : []).map((b) => record(b) ?? {});
  return blocks.map((block) => ({
    ...(typeof block.alias === 'string' ? { alias: block.alias } : {}),
    ...OFFLINE_AWS_CREDENTIALS,
    // Credentials from elsewhere would take over or fail: drop them.
    ...('profile' in block ? { profile: null } : {}),
    ...('token' in block ? { token: null } : {}),
    ...('shared_credentials_files' in block ? { shared_credentials_files: null } : {}),
    ...('shared_config_files' in block ? { shared_config_files: null } : {}),
    // Offline there is no account to compare (skip_requesting_account_id): the provider would refuse
    // every plan. The guard is checked by SC-PRE-20 instead (stacks/aws-account.ts).
    ...('allowed_account_ids' in block ? { allowed_account_ids: null } : {}),
    ...('forbidden_account_ids' in block ? { forbidden_account_ids: null } : {}),
    // An override cannot delete a nested block; an empty role_arn makes the provider skip AssumeRole.
    ...('assume_role' in block ? { assume_role: [{ role_arn: '' }] } : {}),
  }));
}

/** Whether the stack needs the AWS provider at all (a Cloudflare- or Kubernetes-only stack checked with the stand-in does not). */
function usesAws(stack: StackJson): boolean {
  const required = record(record(stack.terraform)?.required_providers) ?? {};
  const types = [...Object.keys(record(stack.resource) ?? {}), ...Object.keys(record(stack.data) ?? {})];
  return 'aws' in required || types.some((type) => type.startsWith('aws_'));
}

/**
 * Whether the stack can be planned against an AWS provider process shared with other runs
 * (aws-provider.ts): its AWS resources, data sources and ephemeral resources all use one and the
 * same provider configuration. The provider keeps the settings of its last `ConfigureProvider`,
 * so a stack with two configurations in use (an alias in another region, other default tags)
 * would plan every resource with one of them: `tags_all` of acme-massive-eu-west-1's resources
 * got the us-east-1 alias's region tag that way (test/terraform/aws-reattach.test.ts shows it).
 * Terraform configures only the configurations something uses, so an unused block (the default
 * this check adds beside an alias) does not count. A stack with modules or check blocks (whose
 * provider use this does not follow) is never attached.
 */
export function attachesAws(stack: StackJson): boolean {
  return awsConfigurationsInUse(stack) === 1;
}

/**
 * Whether the stack can be planned through the schema proxy (aws-schema-proxy.ts), which gives each
 * AWS configuration terraform configures a provider process of its own: any number of
 * configurations in use, one at least. Not a stack with modules or check blocks, whose types and
 * provider use this does not follow.
 */
export function attachesThroughSchemaProxy(stack: StackJson): boolean {
  return (awsConfigurationsInUse(stack) ?? 0) >= 1;
}

/** How many AWS provider configurations the stack's resources, data sources and ephemeral resources use; undefined with modules, check blocks or imports. */
function awsConfigurationsInUse(stack: StackJson): number | undefined {
  if (record(stack.module) || record(stack.check) || stack.import !== undefined) return undefined;
  const inUse = new Set<string>();
  for (const kind of ['resource', 'data', 'ephemeral'] as const) {
    for (const [type, byName] of Object.entries(record(stack[kind]) ?? {})) {
      if (!type.startsWith('aws_')) continue;
      for (const block of Object.values(record(byName) ?? {})) {
        const provider = record(block)?.provider;
        inUse.add(typeof provider === 'string' ? provider.replace(/^\$\{(.*)\}$/, '$1') : 'aws');
      }
    }
  }
  return inUse.size;
}

/**
 * A stack's expected plan cost, to order the queue: a stack with the AWS provider starts the 700 MB
 * binary (two or three CPU seconds each time, once more per aliased block), and each resource adds
 * a little. Only the order of the checks depends on it; results keep the order asked for.
 */
function planWeight(stack: StackJson): number {
  const resources = Object.values(record(stack.resource) ?? {}).reduce<number>((n, byName) => n + Object.keys(record(byName) ?? {}).length, 0);
  if (!usesAws(stack)) return resources;
  const declared = record(stack.provider)?.aws;
  const awsBlocks = Array.isArray(declared) ? declared.length : 1;
  return 1000 * Math.max(1, awsBlocks) + resources;
}

function writeJson(file: string, value: unknown): void {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * The backend of every working directory: local state in the directory itself. The path is relative
 * (terraform resolves it from the working directory), so every directory's backend configuration is
 * the same and the shared init's `.terraform` serves each of them.
 */
const LOCAL_BACKEND = { local: { path: 'terraform.tfstate' } };

/**
 * Whether the stack can take the run's shared init: every provider it requires is the mirror's AWS
 * at exactly the pinned version, or one the stand-in serves (attached, never installed). Any other
 * stack runs its own `terraform init`, which reports what it cannot install as before.
 */
function sharesInit(stack: StackJson): boolean {
  const required = record(record(stack.terraform)?.required_providers) ?? {};
  const servedBy = (name: string): boolean => {
    if (STANDIN_PROVIDERS[name]) return true;
    const version = record(required[name])?.version ?? required[name];
    return isHashicorpAws(name, required[name]) && version === AWS_PROVIDER_VERSION;
  };
  return Object.keys(required).every(servedBy) && (!usesAws(stack) || 'aws' in required);
}

/**
 * One `terraform init` per run, in a directory of its own that requires hashicorp/aws at the pinned
 * version with the same local backend as every stack. Each init of a stack would do the same work:
 * hash the ~700 MB provider in the mirror for the lock file (about a CPU second), link it into
 * `.terraform/providers` and record the backend. A stack that shares it copies the result instead
 * (`.terraform`, whose provider entry is a symbolic link into the mirror, and the lock file);
 * `plan` still checks the provider against the lock's hash.
 */
function initTemplate(context: RunContext): Promise<string | undefined> {
  context.initTemplate ??= (async () => {
    // '#' never appears in a stack's directory name (see checkStack), so no stack can collide with it.
    const dir = path.join(context.root, '#shared-init');
    fs.mkdirSync(dir);
    writeJson(path.join(dir, 'main.tf.json'), {
      terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: AWS_PROVIDER_VERSION } }, backend: LOCAL_BACKEND },
    });
    const init = await runTerraform(context.terraform, ['init', '-input=false', '-no-color'], dir, context.env);
    // A failed shared init is not a stack's failure: each stack then runs its own init and reports it.
    return init.code === 0 ? dir : undefined;
  })();
  return context.initTemplate;
}

/** Copies the shared init's result into a stack's directory, as a command result. */
function copyInit(template: string, dir: string): CommandResult {
  const started = Date.now();
  fs.cpSync(path.join(template, '.terraform'), path.join(dir, '.terraform'), { recursive: true, verbatimSymlinks: true });
  fs.copyFileSync(path.join(template, '.terraform.lock.hcl'), path.join(dir, '.terraform.lock.hcl'));
  return { code: 0, stdout: '', stderr: '', ms: Date.now() - started };
}

/** Writes the stack copy and its override files into `dir`; returns the remote states to stub before planning. */
function prepareWorkDir(dir: string, stackFile: string, stack: StackJson, stacks: ReadonlyMap<string, StackJson>): RemoteStateStub[] {
  fs.mkdirSync(path.join(dir, 'remote-state'), { recursive: true });
  fs.copyFileSync(stackFile, path.join(dir, 'cdk.tf.json'));
  // TerraformAsset files are referenced relative to the stack directory; link them, never copy or write.
  const assets = path.join(path.dirname(stackFile), 'assets');
  if (isDirectory(assets)) fs.symlinkSync(assets, path.join(dir, 'assets'), 'dir');

  writeJson(path.join(dir, 'stagecraft_backend_override.tf.json'), { terraform: { backend: LOCAL_BACKEND } });
  const overrides = providerOverrides(stack);
  if (overrides.length > 0) {
    writeJson(path.join(dir, 'stagecraft_providers_override.tf.json'), { provider: { aws: overrides } });
  }
  if (usesAws(stack) && !overrides.some((o) => !('alias' in o))) {
    // No default aws provider block: the implicit one needs the fake credentials too.
    writeJson(path.join(dir, 'stagecraft_providers.tf.json'), { provider: { aws: [{ region: 'us-east-1', ...OFFLINE_AWS_CREDENTIALS }] } });
  }
  // Deploy-time inputs (constructs/aws/deploy-time-secret-value.ts) get their offline stand-ins.
  const values = offlineVariableValues(stack);
  if (Object.keys(values).length > 0) writeJson(path.join(dir, 'stagecraft_offline.auto.tfvars.json'), values);
  const remoteStates = Object.keys(remoteStateDataSources(stack));
  if (remoteStates.length > 0) {
    const data: Record<string, unknown> = {};
    for (const name of remoteStates) {
      data[name] = { backend: 'local', config: { path: stubStatePath(dir, name) }, workspace: 'default' };
    }
    writeJson(path.join(dir, 'stagecraft_remote_state_override.tf.json'), { data: { terraform_remote_state: data } });
  }
  return planRemoteStateStubs(stack, stacks);
}

/** The offline stand-in of each variable that declares one in its `//` metadata. */
export function offlineVariableValues(stack: StackJson): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, variable] of Object.entries((stack.variable ?? {}) as Record<string, Record<string, unknown>>)) {
    const value = (variable?.['//'] as Record<string, unknown> | undefined)?.[OFFLINE_VALUE_KEY];
    if (typeof value === 'string') values[name] = value;
  }
  return values;
}

function stubStatePath(dir: string, dataSource: string): string {
  return path.join(dir, 'remote-state', `${dataSource.replace(/[^A-Za-z0-9_.-]/g, '_')}.tfstate`);
}

interface PlanJson {
  readonly resource_changes?: ReadonlyArray<{ readonly mode?: string; readonly change?: { readonly actions?: readonly string[] } }>;
}

/** Counts the plan's actions the way `terraform plan` prints them. */
export function summarizePlan(plan: PlanJson): PlanSummary {
  let add = 0;
  let change = 0;
  let destroy = 0;
  let resourceCount = 0;
  for (const resource of plan.resource_changes ?? []) {
    if (resource.mode !== undefined && resource.mode !== 'managed') continue;
    resourceCount++;
    const actions = resource.change?.actions ?? [];
    if (actions.includes('create')) add++;
    if (actions.includes('delete')) destroy++;
    if (actions.includes('update')) change++;
  }
  return { add, change, destroy, resourceCount };
}

/** Shared by the stacks of one run. */
interface RunContext {
  readonly terraform: string;
  readonly env: NodeJS.ProcessEnv;
  readonly root: string;
  readonly stacks: ReadonlyMap<string, StackJson>;
  readonly files: ReadonlyMap<string, string>;
  readonly planJsonDir?: string;
  readonly planJsonStacks?: readonly string[];
  readonly keep: boolean;
  /** The AWS schema, loaded once per run and only when a stub needs it. */
  schema?: Promise<{ lookup?: AttributeTypeLookup; ms: number }>;
  /** The directory of the run's one shared `terraform init` (undefined when it failed), started by the first stack that can use it. */
  initTemplate?: Promise<string | undefined>;
  /** The AWS provider binary each slot runs once and attaches, when attaching. */
  readonly awsBinary?: string;
  /** The mirror's AWS provider binary (unpacked layout), which terraform starts when nothing is attached: the schema cache's key. */
  readonly mirrorAwsBinary?: string;
  /** Whether attached stacks go through the schema proxy (OfflineCheckOptions.trimAwsSchema). */
  readonly trimAwsSchema: boolean;
}

/**
 * One of the run's check slots, which checks one stack at a time: the AWS provider processes it
 * attaches its stacks to (aws-provider.ts), each started when first needed: the first by the
 * slot's first stack that attaches, the others by the schema proxy when a stack has more
 * configurations in use (one process each). No two terraform commands ever use them at once.
 */
interface Slot {
  readonly providers: Array<Promise<AttachedAwsProvider> | undefined>;
  /** The schema proxy in front of the slot's providers, when stacks go through it. */
  proxy?: AwsSchemaProxy;
}

/**
 * The slot's `index`th AWS provider, started when there is none. One that died stays dead until the
 * next stack starts (forgetDeadProviders): the stack it died under fails naming it, instead of
 * going on with a fresh process.
 */
function slotProvider(context: RunContext, slot: Slot, index = 0): Promise<AttachedAwsProvider> {
  // Started in terraform's own environment (no inherited AWS_* settings; an unreachable proxy).
  return (slot.providers[index] ??= startAwsProvider(context.awsBinary as string, context.env));
}

/** Drops the slot's providers that died or never started, so that the next stack that needs one starts it again. */
async function forgetDeadProviders(slot: Slot): Promise<void> {
  for (const [index, started] of slot.providers.entries()) {
    const provider = await started?.catch(() => undefined);
    if (started && (!provider || provider.exitReason() !== undefined)) slot.providers[index] = undefined;
  }
}

/** The slot's running providers (not those that failed to start). */
async function slotProviders(slot: Slot): Promise<AttachedAwsProvider[]> {
  const providers = await Promise.all(slot.providers.map((provider) => provider?.catch(() => undefined)));
  return providers.filter((provider): provider is AttachedAwsProvider => provider !== undefined);
}

/** The schema proxy in front of the slot's providers, started on first use. */
function slotProxy(context: RunContext, slot: Slot): AwsSchemaProxy {
  if (!slot.proxy) {
    // Required on first use, as the stand-in is: CLI runs that never attach do not load it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { startAwsSchemaProxy } = require('./aws-schema-proxy') as typeof import('./aws-schema-proxy');
    slot.proxy = startAwsSchemaProxy((index) => slotProvider(context, slot, index));
  }
  return slot.proxy;
}

/**
 * The resource, data source and ephemeral resource types the root module names: the stack's, since
 * the override files the check adds name none but the built-in `terraform_remote_state`. Undefined
 * for a stack with modules or check blocks, whose types this does not collect (attachesAws never
 * attaches those either).
 */
export function rootModuleTypes(stack: StackJson): NamedTypes | undefined {
  if (record(stack.module) || record(stack.check)) return undefined;
  const types = (kind: 'resource' | 'data' | 'ephemeral'): ReadonlySet<string> => new Set(Object.keys(record(stack[kind]) ?? {}));
  return { resource: types('resource'), data: types('data'), ephemeral: types('ephemeral') };
}

/** The environment of a terraform command attached through `reattach` (and to the stand-in, when the run has one). */
function attachedEnv(env: NodeJS.ProcessEnv, reattach: Readonly<Record<string, unknown>>): NodeJS.ProcessEnv {
  const standin = env.TF_REATTACH_PROVIDERS ? (JSON.parse(env.TF_REATTACH_PROVIDERS) as Record<string, unknown>) : {};
  return { ...env, TF_REATTACH_PROVIDERS: JSON.stringify({ ...standin, ...reattach }) };
}

const NO_DIAGNOSTICS: ValidateSummary = { valid: false, errorCount: 0, warningCount: 0, diagnostics: [] };

/** The AWS schema for the stubs: from the cache when these binaries wrote it (aws-schema-cache.ts), else `terraform providers schema -json`, cached. */
function loadSchema(context: RunContext, dir: string, env: NodeJS.ProcessEnv): Promise<{ lookup?: AttributeTypeLookup; ms: number }> {
  context.schema ??= (async () => {
    const started = Date.now();
    const cacheFile = awsSchemaCacheFile(context.terraform, context.awsBinary ?? context.mirrorAwsBinary, AWS_PROVIDER_VERSION);
    const cached = readAwsSchemaCache(cacheFile);
    if (cached !== undefined) return { lookup: schemaLookup(cached), ms: Date.now() - started };
    const result = await runTerraform(context.terraform, ['providers', 'schema', '-json'], dir, env);
    if (result.code !== 0) return { ms: result.ms };
    try {
      // Only hashicorp/aws's entry: the stubs need AWS types (stubsNeedSchema), and a stand-in's schema beside it (an edge stack) must not be cached under the AWS binaries' key.
      const schema = awsProviderSchemaOnly(JSON.parse(result.stdout));
      writeAwsSchemaCache(cacheFile, schema);
      return { lookup: schemaLookup(schema), ms: result.ms };
    } catch {
      return { ms: result.ms };
    }
  })();
  return context.schema;
}

/** `terraform validate -json` in the stack's directory, summarized. */
async function runValidate(context: RunContext, dir: string, env: NodeJS.ProcessEnv): Promise<{ summary: ValidateSummary; code: number; ms: number }> {
  const result = await runTerraform(context.terraform, ['validate', '-json', '-no-color'], dir, env);
  try {
    const parsed = JSON.parse(result.stdout) as { valid?: boolean; error_count?: number; warning_count?: number; diagnostics?: JsonDiagnostic[] };
    const diagnostics = [...(parsed.diagnostics ?? [])].sort((a, b) => Number(a.severity === 'warning') - Number(b.severity === 'warning'));
    const summary = {
      valid: parsed.valid === true,
      errorCount: parsed.error_count ?? 0,
      warningCount: parsed.warning_count ?? 0,
      diagnostics: diagnostics.map(formatJsonDiagnostic),
    };
    return { summary, code: result.code, ms: result.ms };
  } catch {
    const diagnostics = parseHumanDiagnostics(result.stderr || result.stdout);
    return { summary: { valid: false, errorCount: diagnostics.length, warningCount: 0, diagnostics }, code: result.code, ms: result.ms };
  }
}

/**
 * init, then plan, whose first step is the same validation walk `terraform validate` runs: on
 * success the plan's own warnings stand for validate's, and `terraform validate` runs only after a
 * failed plan, to say whether the configuration is invalid (then the stack fails with validate's
 * diagnostics, as a separate validate would have) or the plan itself failed. One terraform command,
 * two AWS provider starts, fewer per stack than init, validate and plan.
 */
async function checkStack(context: RunContext, name: string, slot: Slot): Promise<StackCheckResult> {
  const attachments: SchemaProxyAttachment[] = [];
  try {
    return await checkStackAttached(context, name, slot, attachments);
  } finally {
    await Promise.all(attachments.map((attachment) => attachment.close()));
  }
}

/** checkStack's work; the schema proxy's socket for the stack, if any, goes into `attachments` to be closed after it. */
async function checkStackAttached(context: RunContext, name: string, slot: Slot, attachments: SchemaProxyAttachment[]): Promise<StackCheckResult> {
  const started = Date.now();
  const stack = context.stacks.get(name) as StackJson;
  const phaseMs: { -readonly [K in keyof PhaseTimings]: number } = {};
  const dir = path.join(context.root, name.replace(/[^A-Za-z0-9_.-]/g, '_'));
  const base = { stack: name, phaseMs, ...(context.keep ? { workDir: dir } : {}) };
  const failed = (reason: string, validate: ValidateSummary): StackCheckResult => ({
    ...base,
    status: 'failed',
    reason,
    validate,
    durationMs: Date.now() - started,
  });

  const stubs = prepareWorkDir(dir, context.files.get(name) as string, stack, context.stacks);
  // init never attaches AWS (it installs it, or copies the shared init); every later command does, for a stack that can.
  let env = context.env;
  // The provider's whole schema, for `terraform providers schema` (the stubs' types, cached for every stack).
  let fullSchemaEnv = context.env;
  const types = context.trimAwsSchema && attachesThroughSchemaProxy(stack) ? rootModuleTypes(stack) : undefined;
  const attached = context.awsBinary !== undefined && (types !== undefined || attachesAws(stack));
  if (attached) {
    try {
      // A provider that died during an earlier stack is started again when this one needs it, not blamed for this one's failure.
      await forgetDeadProviders(slot);
      const first = await slotProvider(context, slot);
      fullSchemaEnv = env = attachedEnv(context.env, first.reattach);
      if (types) {
        const attachment = await slotProxy(context, slot).attach(types);
        attachments.push(attachment);
        env = attachedEnv(context.env, attachment.reattach);
      }
    } catch (error) {
      return failed('the AWS provider could not be started', {
        ...NO_DIAGNOSTICS,
        errorCount: 1,
        diagnostics: [`provider: Error: ${(error as Error).message}`],
      });
    }
  }
  const run = (args: readonly string[]): Promise<CommandResult> => runTerraform(context.terraform, args, dir, env);
  /** The stack's failure when an attached provider died during `step`, else undefined. */
  const providerDied = async (step: string): Promise<StackCheckResult | undefined> => {
    if (!attached) return undefined;
    const providers = await slotProviders(slot);
    const exits = await Promise.all(providers.map((provider) => provider.exitReasonWithin(1000)));
    const dead = exits.findIndex((exit) => exit !== undefined);
    if (dead < 0) return undefined;
    const diagnostics = [`${step}: Error: the AWS provider process (pid ${providers[dead].pid}) that terraform was attached to ${exits[dead]}`];
    return failed(`the AWS provider exited during terraform ${step}`, { ...NO_DIAGNOSTICS, errorCount: 1, diagnostics });
  };

  const initStarted = Date.now();
  const template = sharesInit(stack) ? await initTemplate(context) : undefined;
  const init = template ? copyInit(template, dir) : await runTerraform(context.terraform, ['init', '-input=false', '-no-color'], dir, context.env);
  phaseMs.init = Date.now() - initStarted;
  if (init.code !== 0) {
    const diagnostics = parseHumanDiagnostics(init.stderr || init.stdout).map((d) => `init: ${d}`);
    return failed('terraform init failed', { ...NO_DIAGNOSTICS, errorCount: diagnostics.length, diagnostics });
  }

  if (stubs.length > 0) {
    let lookup: AttributeTypeLookup | undefined;
    // The schema is loaded once per run, from the first stack that needs it: only a stack with the AWS provider has it
    // (an apps stack reuses it when a regional stack loaded it first, else the types come from the names).
    if (stubsNeedSchema(stubs) && (usesAws(stack) || context.schema)) {
      const schema = await loadSchema(context, dir, fullSchemaEnv);
      phaseMs.schema = schema.ms;
      lookup = schema.lookup;
    }
    for (const stub of stubs) {
      writeJson(stubStatePath(dir, stub.dataSource), base64DecodedStubOutputs(stack, stub.dataSource, stubStateFile(stub, lookup)));
    }
  }

  // `plan -json` reports the counts, the planned addresses and every diagnostic itself; a plan file
  // (and `show`, ~20 s) only for a stack whose plan JSON is asked for.
  const planJson = context.planJsonDir !== undefined && (context.planJsonStacks?.includes(name) ?? true);
  const planRun = await run(['plan', '-input=false', '-no-color', '-lock=false', '-json', ...(planJson ? ['-out=tfplan'] : [])]);
  phaseMs.plan = planRun.ms;
  const messages = planStream(planRun.stdout);
  const summary = summarizeMessages(messages);
  if (planRun.code !== 0 || !summary) {
    const died = await providerDied('plan');
    if (died) return died;
    const validateRun = await runValidate(context, dir, env);
    phaseMs.validate = validateRun.ms;
    const validate = validateRun.summary;
    if (!validate.valid || validateRun.code !== 0) {
      return failed(`terraform validate found ${validate.errorCount} error${validate.errorCount === 1 ? '' : 's'}`, { ...validate, valid: false });
    }
    if (planRun.code === 0) return failed('terraform plan printed no change summary', validate);
    const errors = messages.filter((m) => m.type === 'diagnostic' && m['@level'] === 'error');
    const output =
      errors.length > 0
        ? errors.map((m) => (m.diagnostic ? formatJsonDiagnostic(m.diagnostic) : (m['@message'] ?? '')))
        : parseHumanDiagnostics(planRun.stderr || planRun.stdout);
    const diagnostics = output.map((d) => `plan: ${d}`);
    return failed('terraform plan failed', { ...validate, diagnostics: [...diagnostics, ...validate.diagnostics] });
  }
  const warnings = messages
    .filter((m) => m.type === 'diagnostic' && m['@level'] === 'warn' && m.diagnostic)
    .map((m) => formatJsonDiagnostic(m.diagnostic as JsonDiagnostic));
  const validate: ValidateSummary = { valid: true, errorCount: 0, warningCount: warnings.length, diagnostics: warnings };
  const changes = messages
    .filter((m) => m.type === 'planned_change' && m.change?.resource?.addr)
    .map((m) => ({ address: m.change?.resource?.addr as string, action: m.change?.action ?? '' }));
  if (!planJson) {
    return { ...base, status: 'ok', validate, plan: summary, changes, durationMs: Date.now() - started };
  }

  const show = await run(['show', '-json', '-no-color', 'tfplan']);
  phaseMs.show = show.ms;
  let plan: PlanSummary;
  try {
    if (show.code !== 0) throw new Error('show failed');
    // A provider that died after the plan: its JSON cannot be trusted to be complete.
    if (attached && (await slotProviders(slot)).some((provider) => provider.exitReason() !== undefined)) throw new Error('provider died');
    plan = summarizePlan(JSON.parse(show.stdout) as PlanJson);
  } catch {
    const died = await providerDied('show');
    if (died) return died;
    const diagnostics = parseHumanDiagnostics(show.stderr || show.stdout || 'terraform show printed no JSON').map((d) => `show: ${d}`);
    return failed('terraform show failed', { ...validate, diagnostics: [...diagnostics, ...validate.diagnostics] });
  }
  fs.mkdirSync(context.planJsonDir as string, { recursive: true });
  const planJsonPath = path.join(context.planJsonDir as string, `${name}.plan.json`);
  fs.writeFileSync(planJsonPath, show.stdout);
  return { ...base, status: 'ok', validate, plan, changes, durationMs: Date.now() - started, planJsonPath };
}

interface PlanStreamMessage {
  readonly type?: string;
  readonly '@level'?: string;
  readonly '@message'?: string;
  readonly changes?: { readonly add?: number; readonly change?: number; readonly remove?: number };
  readonly change?: { readonly resource?: { readonly addr?: string }; readonly action?: string };
  readonly diagnostic?: JsonDiagnostic;
}

function planStream(stdout: string): PlanStreamMessage[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as PlanStreamMessage];
      } catch {
        return [];
      }
    });
}

/** Counts from the `change_summary` message of `terraform plan -json`; undefined when absent. */
export function summarizePlanStream(stdout: string): PlanSummary | undefined {
  return summarizeMessages(planStream(stdout));
}

function summarizeMessages(messages: readonly PlanStreamMessage[]): PlanSummary | undefined {
  const summary = messages.find((m) => m.type === 'change_summary')?.changes;
  if (!summary) return undefined;
  return {
    add: summary.add ?? 0,
    change: summary.change ?? 0,
    destroy: summary.remove ?? 0,
    resourceCount: messages.filter((m) => m.type === 'planned_change').length,
  };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The progress line for one finished stack: `[2/5] name: ok in 31.2 s (init 4.1 s, validate 8.0 s, …)`. */
export function progressLine(result: StackCheckResult, done: number, total: number): string {
  const phases = Object.entries(result.phaseMs)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
    .map(([phase, ms]) => `${phase} ${seconds(ms)}`)
    .join(', ');
  const detail = ` in ${seconds(result.durationMs)}${phases ? ` (${phases})` : ''}`;
  return `[${done}/${total}] ${result.stack}: ${result.status}${detail}`;
}

/**
 * Runs `terraform init` and `plan` (and `validate` after a failed plan, `show` for plan JSON) offline for each stack of the synthesis in
 * `outdir`: AWS from the mirror, Cloudflare and Kubernetes from the stand-in. A stack that cannot be
 * checked (a provider nothing offline serves, a type the stand-in lacks, no terraform or no mirror)
 * is a UserInputError naming it, thrown before any terraform runs: never a pass. Results follow the
 * order of `options.stacks` (or the manifest).
 */
export async function checkStacksOffline(outdir: string, options: OfflineCheckOptions = {}): Promise<StackCheckResult[]> {
  const manifest = readManifest(outdir);
  const names = options.stacks ?? manifest.stacks.map((s) => s.name);
  const unknown = unknownStacks(manifest, names);
  if (unknown.length > 0) {
    const known = manifest.stacks.map((s) => s.name).join(', ');
    throw new UserInputError(
      unknown.map((name) => ({ file: path.join(outdir, 'manifest.json'), path: 'stacks', message: `unknown stack "${name}"; known stacks: ${known}` })),
    );
  }
  const files = new Map(manifest.stacks.map((s) => [s.name, s.file]));
  const stacks = new Map<string, StackJson>();
  for (const entry of manifest.stacks) {
    try {
      stacks.set(entry.name, JSON.parse(fs.readFileSync(entry.file, 'utf8')) as StackJson);
    } catch (error) {
      if (names.includes(entry.name)) {
        throw new UserInputError([{ file: entry.file, path: '(root)', message: `cannot be read (${(error as Error).message}); run \`npm run synth\` again` }]);
      }
      // An unreadable stack that is not checked only loses its outputs as a stub source.
    }
  }

  const terraform = options.terraformPath ?? findTerraform();
  const mirror = options.providerMirror ?? findProviderMirror();
  const toolProblem = missingToolReason(terraform, mirror, options.providerMirror === undefined && Boolean(process.env.STAGECRAFT_PROVIDER_MIRROR));
  const keep = process.env.STAGECRAFT_KEEP_TEMP === '1';
  const attachAws = options.attachAwsProvider ?? process.env.STAGECRAFT_ATTACH_AWS !== '0';
  const trimAwsSchema = options.trimAwsSchema ?? process.env.STAGECRAFT_TRIM_AWS_SCHEMA !== '0';
  const results: StackCheckResult[] = new Array(names.length);
  let done = 0;
  const report = (index: number, result: StackCheckResult): void => {
    results[index] = result;
    done++;
    options.onProgress?.(progressLine(result, done, names.length));
  };
  // Every stack that cannot be checked is bad input, all reported at once before terraform runs.
  const unchecked = names.flatMap((name) => {
    const file = files.get(name) as string;
    const unserved = unservedProviderReason(stacks.get(name) as StackJson);
    if (unserved) return [{ file, path: unserved.type, message: unserved.message }];
    return toolProblem ? [{ file, path: toolProblem.type, message: toolProblem.message }] : [];
  });
  if (unchecked.length > 0) throw new UserInputError(unchecked);
  if (names.length === 0 || !terraform || !mirror) return results;
  const toCheck = names.map((_, index) => index);

  // Every stand-in problem (version, unserved type) is bad input, reported before terraform runs.
  const standin: AttachedStandin | undefined = await attachStandin(
    toCheck.map((index) => ({ name: names[index], file: files.get(names[index]) as string, stack: stacks.get(names[index]) as StackJson })),
  );
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-validate-'));
  try {
    const cliConfigFile = path.join(root, 'terraform.rc');
    fs.writeFileSync(cliConfigFile, offlineCliConfig(mirror));
    const mirrorAwsBinary = awsProviderBinary(mirror, AWS_PROVIDER_VERSION);
    const context: RunContext = {
      terraform,
      env: { ...terraformEnv(cliConfigFile), ...standin?.env },
      root,
      stacks,
      files,
      planJsonDir: options.planJsonDir,
      planJsonStacks: options.planJsonStacks,
      keep,
      awsBinary: attachAws ? (options.awsProviderBinary ?? mirrorAwsBinary) : undefined,
      mirrorAwsBinary,
      trimAwsSchema,
    };
    // Longest first, so the slots finish together instead of one running the last big stack alone.
    const queue = [...toCheck].sort((a, b) => planWeight(stacks.get(names[b]) as StackJson) - planWeight(stacks.get(names[a]) as StackJson));
    let internalError: { error: unknown } | undefined;
    const worker = async (): Promise<void> => {
      const slot: Slot = { providers: [] };
      try {
        for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
          try {
            report(index, await checkStack(context, names[index], slot));
          } catch (error) {
            // A bug, not a finding: stop taking stacks, let the others finish, then surface it.
            internalError ??= { error };
            queue.length = 0;
          }
        }
      } finally {
        await slot.proxy?.close();
        await Promise.all((await slotProviders(slot)).map((provider) => provider.close()));
      }
    };
    const parallelism = Math.max(1, Math.floor(options.parallelism ?? 2));
    await Promise.all(Array.from({ length: Math.min(parallelism, toCheck.length) }, worker));
    if (internalError) throw internalError.error;
  } finally {
    await standin?.close();
    if (keep) options.onProgress?.(`kept working directories in ${root} (STAGECRAFT_KEEP_TEMP=1)`);
    else fs.rmSync(root, { recursive: true, force: true });
  }
  return results;
}
