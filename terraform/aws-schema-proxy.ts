/**
 * A gRPC proxy in front of the shared AWS provider (aws-provider.ts) that serves each root module
 * the provider schema of only the types it names (provider-schema-trim.ts). Terraform core decodes
 * the whole `GetProviderSchema` response in every command, ~1,500 AWS types for the few dozen a
 * stack uses, and the provider encodes it for every command: that was most of an attached plan's
 * CPU. The proxy asks the provider once, keeps the bytes, and answers each root with its types' map
 * entries, each byte for byte as the provider sent it.
 *
 * Everything else is forwarded byte for byte, unread (identity serializers: gRPC frames the bytes,
 * nobody decodes them): the real provider still validates and plans every resource, and terraform
 * core still checks the configuration against the provider's own schema of every type the root
 * uses. A type the provider lacks is absent here as well, so terraform refuses it with its own error
 * (with the same "Did you mean" suggestion: see keptTypes).
 *
 * Each root gets its own Unix socket (attach()), since the types differ; all of them forward to the
 * one provider connection. Requires the provider to speak protocol 5 (hashicorp/aws 5.x does).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import { AttachedAwsProvider } from './aws-provider';
import { NamedTypes, parseProviderSchema, ParsedProviderSchema, trimProviderSchema } from './provider-schema-trim';

/** The provider RPCs of plugin protocol 5 (tfplugin5.Provider, unary), forwarded as they are except GetSchema. */
const PROVIDER_RPCS = [
  'GetMetadata',
  'GetSchema',
  'PrepareProviderConfig',
  'ValidateResourceTypeConfig',
  'ValidateDataSourceConfig',
  'UpgradeResourceState',
  'Configure',
  'ReadResource',
  'PlanResourceChange',
  'ApplyResourceChange',
  'ImportResourceState',
  'MoveResourceState',
  'ReadDataSource',
  'ValidateEphemeralResourceConfig',
  'OpenEphemeralResource',
  'RenewEphemeralResource',
  'CloseEphemeralResource',
  'GetFunctions',
  'CallFunction',
  'Stop',
  'GetResourceIdentitySchemas',
  'UpgradeResourceIdentity',
] as const;
const SCHEMA_PATH = '/tfplugin5.Provider/GetSchema';
/** Unary services of go-plugin beside the provider (its health check and controller), forwarded too. */
const PLUGIN_PATHS = ['/grpc.health.v1.Health/Check', '/plugin.GRPCController/Shutdown'];
const MESSAGE_LIMIT = { 'grpc.max_receive_message_length': 256 * 1024 * 1024, 'grpc.max_send_message_length': 256 * 1024 * 1024 };

const identity = (bytes: Buffer): Buffer => bytes;

/** One root's view of the provider: the `TF_REATTACH_PROVIDERS` entry that attaches terraform to it. */
export interface SchemaProxyAttachment {
  readonly reattach: Readonly<Record<string, unknown>>;
  /** Stops serving this root (terraform has exited) and removes its socket. */
  close(): Promise<void>;
}

/** The proxy in front of one running provider. */
export interface AwsSchemaProxy {
  /** Serves a root that names `types`: a socket of its own whose schema holds those types. */
  attach(types: NamedTypes): Promise<SchemaProxyAttachment>;
  /** Closes every attachment and the connection to the provider. */
  close(): Promise<void>;
}

function providerAddress(provider: AttachedAwsProvider): { key: string; entry: Record<string, unknown>; target: string } {
  const [key, value] = Object.entries(provider.reattach)[0] ?? [];
  const entry = (value ?? {}) as Record<string, unknown>;
  const addr = (entry.Addr ?? {}) as { Network?: string; String?: string };
  if (entry.ProtocolVersion !== 5)
    throw new Error(`the AWS provider speaks plugin protocol ${String(entry.ProtocolVersion)}; the schema proxy forwards protocol 5`);
  if (addr.Network !== 'unix' && addr.Network !== 'tcp')
    throw new Error(`the AWS provider listens on ${String(addr.Network)}; the schema proxy connects to unix or tcp`);
  return { key: key as string, entry, target: addr.Network === 'unix' ? `unix://${addr.String}` : String(addr.String) };
}

/** A forwarding handler for `methodPath`: the request's bytes to the provider, its answer (or error) back. */
function forwarder(client: grpc.Client, methodPath: string): grpc.handleUnaryCall<Buffer, Buffer> {
  return (call, callback) => {
    client.makeUnaryRequest(methodPath, identity, identity, call.request, (error, response) => {
      if (error) callback({ code: error.code, details: error.details, metadata: error.metadata });
      else callback(null, response);
    });
  };
}

function unaryDefinition(methodPath: string): grpc.MethodDefinition<Buffer, Buffer> {
  return {
    path: methodPath,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  };
}

/** Starts the proxy in front of `provider` (nothing listens until attach()). */
export function startAwsSchemaProxy(provider: AttachedAwsProvider): AwsSchemaProxy {
  const { key, entry, target } = providerAddress(provider);
  const client = new grpc.Client(target, grpc.credentials.createInsecure(), MESSAGE_LIMIT);
  const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-aws-schema-'));
  const attachments = new Set<SchemaProxyAttachment>();
  let count = 0;
  // The provider's full answer, asked for once (a failed ask is not kept: the next root asks again).
  let schema: Promise<{ bytes: Buffer; parsed?: ParsedProviderSchema }> | undefined;
  const fullSchema = (request: Buffer): Promise<{ bytes: Buffer; parsed?: ParsedProviderSchema }> => {
    schema ??= new Promise<{ bytes: Buffer; parsed?: ParsedProviderSchema }>((resolve, reject) => {
      client.makeUnaryRequest(SCHEMA_PATH, identity, identity, request, (error, bytes) => {
        if (error || !bytes) {
          reject(error ?? new Error('no schema'));
          return;
        }
        let parsed: ParsedProviderSchema | undefined;
        try {
          parsed = parseProviderSchema(bytes);
        } catch {
          parsed = undefined; // not what protocol 5 says: served whole rather than cut wrongly
        }
        resolve({ bytes, parsed });
      });
    });
    schema.catch(() => (schema = undefined));
    return schema;
  };

  const definition: Record<string, grpc.MethodDefinition<Buffer, Buffer>> = {};
  for (const rpc of PROVIDER_RPCS) definition[rpc] = unaryDefinition(`/tfplugin5.Provider/${rpc}`);
  const plugin: Record<string, grpc.MethodDefinition<Buffer, Buffer>> = {};
  for (const methodPath of PLUGIN_PATHS) plugin[methodPath] = unaryDefinition(methodPath);

  const attach = async (types: NamedTypes): Promise<SchemaProxyAttachment> => {
    const server = new grpc.Server(MESSAGE_LIMIT);
    const implementation: grpc.UntypedServiceImplementation = {};
    for (const rpc of PROVIDER_RPCS) implementation[rpc] = forwarder(client, `/tfplugin5.Provider/${rpc}`);
    let trimmed: Buffer | undefined;
    implementation.GetSchema = ((call, callback) => {
      fullSchema(call.request).then(
        (full) => callback(null, (trimmed ??= full.parsed ? trimProviderSchema(full.parsed, types) : full.bytes)),
        (error: grpc.ServiceError) => callback({ code: error.code ?? grpc.status.UNAVAILABLE, details: error.details ?? error.message }),
      );
    }) as grpc.handleUnaryCall<Buffer, Buffer>;
    server.addService(definition, implementation);
    const pluginImplementation: grpc.UntypedServiceImplementation = {};
    for (const methodPath of PLUGIN_PATHS) pluginImplementation[methodPath] = forwarder(client, methodPath);
    server.addService(plugin, pluginImplementation);
    const socket = path.join(socketDir, `${++count}.sock`);
    await new Promise<void>((resolve, reject) =>
      server.bindAsync(`unix://${socket}`, grpc.ServerCredentials.createInsecure(), (error) => (error ? reject(error) : resolve())),
    );
    let closed: Promise<void> | undefined;
    const attachment: SchemaProxyAttachment = {
      reattach: { [key]: { ...entry, Addr: { Network: 'unix', String: socket } } },
      close: () =>
        (closed ??= (async () => {
          attachments.delete(attachment);
          // Terraform has exited; a connection it left open must not keep the run waiting.
          server.forceShutdown();
          fs.rmSync(socket, { force: true });
        })()),
    };
    attachments.add(attachment);
    return attachment;
  };

  let closed: Promise<void> | undefined;
  return {
    attach,
    close: () =>
      (closed ??= (async () => {
        await Promise.all([...attachments].map((attachment) => attachment.close()));
        client.close();
        fs.rmSync(socketDir, { recursive: true, force: true });
      })()),
  };
}
