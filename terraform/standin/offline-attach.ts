/**
 * What the offline check (terraform/offline.ts) needs to run the Cloudflare and Kubernetes stacks
 * through terraform with the stand-in: which stacks it can take, a preflight that turns every
 * stand-in problem into bad input (exit 2, naming stack and type) before any terraform runs, the
 * environment that attaches the stand-in, and stub states that survive `base64decode()`.
 */
import { Problem, UserInputError } from '../../config/errors';
import { preflightStack, StackDocument, standinProvidersOf } from './preflight';
import { STANDIN_PROVIDERS, StandinProviderSpec } from './providers';
import { BindingSchemaError, loadProviderSchema } from './schema-cache';

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function isHashicorpAws(name: string, requirement: unknown): boolean {
  const source = typeof requirement === 'string' ? undefined : record(requirement).source;
  return name === 'aws' && (typeof source !== 'string' || /^((registry\.terraform\.io\/)?hashicorp\/)?aws$/i.test(source));
}

/**
 * Undefined when every provider of the stack is the mirror's AWS or one the stand-in serves;
 * otherwise the provider concerned and why the stack cannot be checked.
 */
export function unservedProviderReason(stack: StackDocument): { type: string; message: string } | undefined {
  const required = record(record(stack.terraform).required_providers);
  const names = Object.keys(required);
  const unserved = names.filter((name) => !isHashicorpAws(name, required[name]) && !STANDIN_PROVIDERS[name]);
  if (names.length > 0 && unserved.length === 0) return undefined;
  return {
    type: names.length === 0 ? 'terraform.required_providers' : unserved.join(', '),
    message:
      `cannot be checked offline: no offline provider for ${names.length === 0 ? 'a stack without required providers' : unserved.join(', ')} ` +
      `(the mirror holds hashicorp/aws; the stand-in serves ${Object.keys(STANDIN_PROVIDERS).join(', ')})`,
  };
}

/** A stack about to be checked. */
export interface StackToCheck {
  readonly name: string;
  /** Path of its cdk.tf.json, for messages. */
  readonly file: string;
  readonly stack: StackDocument;
}

/** The stand-in of one offline run, attached through the environment. */
export interface AttachedStandin {
  /** Variables to add to terraform's environment. */
  readonly env: { readonly TF_REATTACH_PROVIDERS: string };
  close(): Promise<void>;
}

/**
 * Starts the stand-in for the providers these stacks need (none needed: undefined), then checks
 * every stack against the schemas it serves. Any problem stops the run before terraform starts: a
 * UserInputError listing all of them, one per stack and type.
 */
export async function attachStandin(stacks: readonly StackToCheck[]): Promise<AttachedStandin | undefined> {
  const needed = new Map<string, StandinProviderSpec>();
  for (const { stack } of stacks) for (const spec of standinProvidersOf(stack)) needed.set(spec.name, spec);
  if (needed.size === 0) return undefined;
  // Required on first use: gRPC and protobuf stay unevaluated in CLI runs that never attach the
  // stand-in (a dynamic import() would do the same, but jest's CommonJS runtime cannot run one).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startStandin } = require('./server') as typeof import('./server');
  let standin: Awaited<ReturnType<typeof startStandin>>;
  try {
    standin = await startStandin({ providers: [...needed.values()] });
  } catch (error) {
    if (!(error instanceof BindingSchemaError)) throw error;
    throw new UserInputError(bindingProblems(stacks, [...needed.values()], error));
  }
  // The stack's file names the stack: `<outdir>/stacks/<stack>/cdk.tf.json: <type>: <message>`.
  const problems = stacks.flatMap(({ name, file, stack }) =>
    preflightStack(name, stack, standin.schemas).map((problem) => ({ file, path: problem.type, message: problem.message })),
  );
  if (problems.length > 0) {
    await standin.close();
    throw new UserInputError(problems);
  }
  return { env: { TF_REATTACH_PROVIDERS: standin.reattach }, close: () => standin.close() };
}

/**
 * Every provider whose binding cannot give the stand-in its schema (the one `startStandin` failed
 * on, and any other needed one), as one problem per stack using it and provider.
 */
function bindingProblems(stacks: readonly StackToCheck[], needed: readonly StandinProviderSpec[], first: BindingSchemaError): Problem[] {
  const failures = new Map<string, string>([[first.provider, first.message]]);
  for (const spec of needed) {
    if (failures.has(spec.name)) continue;
    try {
      loadProviderSchema(spec);
    } catch (error) {
      if (!(error instanceof BindingSchemaError)) throw error;
      failures.set(spec.name, error.message);
    }
  }
  return stacks.flatMap(({ file, stack }) =>
    standinProvidersOf(stack)
      .filter((spec) => failures.has(spec.name))
      .map((spec) => ({ file, path: spec.name, message: `cannot be checked: ${failures.get(spec.name) as string}` })),
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Stub outputs the consumer passes through base64decode() (an EKS cluster's CA certificate into
 * the kubernetes provider) must hold base64, or terraform fails on the stub itself: encodes those.
 */
export function base64DecodedStubOutputs(consumer: StackDocument, dataSource: string, state: Record<string, unknown>): Record<string, unknown> {
  const text = JSON.stringify(consumer);
  const pattern = new RegExp(`base64decode\\(data\\.terraform_remote_state\\.${escapeRegExp(dataSource)}\\.outputs\\.([\\w-]+)\\)`, 'g');
  const outputs = record(state.outputs);
  for (const match of text.matchAll(pattern)) {
    const output = record(outputs[match[1]]);
    if (typeof output.value === 'string') output.value = Buffer.from(output.value).toString('base64');
  }
  return state;
}
