/**
 * The stand-in provider server: one gRPC server per impersonated provider, each on its own Unix
 * socket, answering Terraform's plugin protocol 6 from a schema derived from the cdktf bindings.
 *
 * Terraform attaches through `TF_REATTACH_PROVIDERS` (see reattachEnv): no plugin handshake, no
 * TLS, no provider binary to install; `terraform init` skips reattached providers. One server
 * serves any number of Terraform processes one after another or at once, since it keeps no state
 * between calls.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import * as protobuf from 'protobufjs';
import { decode, encode, WireValue } from './msgpack';
import { planResource, readDataSource } from './plan';
import { NESTING, PROVIDER_RPCS, PROVIDER_SERVICE, ProviderRpc, protocolRoot, SEVERITY } from './protocol';
import { StandinProviderSpec } from './providers';
import { loadProviderSchema } from './schema-cache';
import { ProviderSchema, SchemaAttribute, SchemaBlock } from './schema-model';
import { checkConfiguration, PathStep } from './validate';

type Message = { [field: string]: unknown };

interface Diagnostic {
  readonly severity: number;
  readonly summary: string;
  readonly detail: string;
  readonly attribute?: { readonly steps: ReadonlyArray<Record<string, unknown>> };
}

function errorDiagnostic(summary: string, detail: string, pathSteps?: readonly PathStep[]): Diagnostic {
  return {
    severity: SEVERITY.error,
    summary,
    detail,
    ...(pathSteps
      ? {
          attribute: {
            steps: pathSteps.map((step) =>
              'attribute' in step ? { attributeName: step.attribute } : 'index' in step ? { elementKeyInt: step.index } : { elementKeyString: step.key },
            ),
          },
        }
      : {}),
  };
}

function protoAttribute(attribute: SchemaAttribute): Message {
  return {
    name: attribute.name,
    ...(attribute.type ? { type: Buffer.from(JSON.stringify(attribute.type)) } : {}),
    ...(attribute.nested ? { nestedType: { attributes: attribute.nested.attributes.map(protoAttribute), nesting: NESTING[attribute.nested.nesting] } } : {}),
    description: attribute.description ?? '',
    required: attribute.required,
    optional: attribute.optional,
    computed: attribute.computed,
  };
}

function protoBlock(block: SchemaBlock): Message {
  return {
    attributes: block.attributes.map(protoAttribute),
    blockTypes: block.blocks.map((nested) => ({
      typeName: nested.name,
      block: protoBlock(nested.block),
      nesting: NESTING[nested.nesting],
      minItems: nested.minItems,
      maxItems: nested.maxItems,
    })),
    description: block.description ?? '',
  };
}

function decodeDynamic(value: unknown): WireValue {
  const dynamic = (value ?? {}) as { msgpack?: Uint8Array; json?: Uint8Array };
  if (dynamic.msgpack && dynamic.msgpack.length > 0) return decode(dynamic.msgpack);
  if (dynamic.json && dynamic.json.length > 0) return JSON.parse(Buffer.from(dynamic.json).toString('utf8')) as WireValue;
  return null;
}

function encodeDynamic(value: WireValue): Message {
  return { msgpack: encode(value) };
}

/** The RPC handlers of one impersonated provider. */
function providerHandlers(spec: StandinProviderSpec, schema: ProviderSchema): Record<ProviderRpc, (request: Message) => Message | Buffer> {
  const providerSchemaMessage = {
    provider: { version: 0, block: protoBlock(schema.provider) },
    resourceSchemas: Object.fromEntries(Object.entries(schema.resources).map(([type, block]) => [type, { version: 0, block: protoBlock(block) }])),
    dataSourceSchemas: Object.fromEntries(Object.entries(schema.dataSources).map(([type, block]) => [type, { version: 0, block: protoBlock(block) }])),
    serverCapabilities: { getProviderSchemaOptional: false },
  };
  // Terraform asks for the schema several times per command; Cloudflare's encodes to ~1 MB, so once is enough.
  let providerSchemaBytes: Buffer | undefined;
  const providerSchemaResponse = (): Buffer => {
    if (!providerSchemaBytes) {
      const type = protocolRoot.lookupType('tfplugin6.GetProviderSchema.Response');
      providerSchemaBytes = Buffer.from(type.encode(type.fromObject(providerSchemaMessage)).finish());
    }
    return providerSchemaBytes;
  };
  const unknownType = (kind: 'resource' | 'data source', type: string): Diagnostic =>
    errorDiagnostic(
      `Unsupported ${kind} type`,
      `The ${spec.name} stand-in, serving ${schema.address} ${schema.providerVersion} from ${schema.derivedFrom}, has no ${kind} type "${type}".`,
    );
  const validate = (blocks: ProviderSchema['resources'], kind: 'resource' | 'data source') => (request: Message) => {
    const type = String(request.typeName);
    const block = blocks[type];
    if (!block) return { diagnostics: [unknownType(kind, type)] };
    const findings = checkConfiguration(block, decodeDynamic(request.config));
    return { diagnostics: findings.map((f) => errorDiagnostic(f.summary, f.detail, f.path)) };
  };
  return {
    GetMetadata: () => ({
      serverCapabilities: { getProviderSchemaOptional: false },
      resources: Object.keys(schema.resources).map((typeName) => ({ typeName })),
      dataSources: Object.keys(schema.dataSources).map((typeName) => ({ typeName })),
    }),
    GetProviderSchema: providerSchemaResponse,
    ValidateProviderConfig: () => ({ diagnostics: [] }),
    ValidateResourceConfig: validate(schema.resources, 'resource'),
    ValidateDataResourceConfig: validate(schema.dataSources, 'data source'),
    UpgradeResourceState: (request) => {
      // State written by this schema version: the JSON form is already current.
      const raw = (request.rawState ?? {}) as { json?: Uint8Array };
      return { upgradedState: { json: raw.json ?? Buffer.from('null') }, diagnostics: [] };
    },
    ConfigureProvider: () => ({ diagnostics: [] }),
    ReadResource: (request) => ({ newState: request.currentState ?? encodeDynamic(null), diagnostics: [] }),
    PlanResourceChange: (request) => {
      const type = String(request.typeName);
      const block = schema.resources[type];
      if (!block) return { diagnostics: [unknownType('resource', type)] };
      const config = decodeDynamic(request.config);
      const liveApiReason = spec.needsLiveApi[type];
      if (liveApiReason && config !== null) {
        return { diagnostics: [errorDiagnostic(`The ${spec.name} stand-in refuses to plan ${type}, which needs a live ${spec.name} API`, liveApiReason)] };
      }
      return { plannedState: encodeDynamic(planResource(block, config, decodeDynamic(request.priorState))), requiresReplace: [], diagnostics: [] };
    },
    ApplyResourceChange: (request) => ({
      diagnostics: [
        errorDiagnostic(
          `The ${spec.name} stand-in cannot apply`,
          `It plans offline from the provider's schema and has no ${spec.name} API to change ${String(request.typeName)}; apply with the real provider.`,
        ),
      ],
    }),
    ImportResourceState: (request) => ({
      diagnostics: [
        errorDiagnostic(
          `The ${spec.name} stand-in cannot import`,
          `It has no ${spec.name} API to read ${String(request.typeName)} "${String(request.id)}" from.`,
        ),
      ],
    }),
    ReadDataSource: (request) => {
      const type = String(request.typeName);
      const block = schema.dataSources[type];
      if (!block) return { diagnostics: [unknownType('data source', type)] };
      return { state: encodeDynamic(readDataSource(block, decodeDynamic(request.config))), diagnostics: [] };
    },
    GetFunctions: () => ({ diagnostics: [] }),
    StopProvider: () => ({}),
  };
}

function serviceDefinition(): grpc.ServiceDefinition {
  const definition: Record<string, grpc.MethodDefinition<Message, Message | Buffer>> = {};
  for (const rpc of PROVIDER_RPCS) {
    const requestType = protocolRoot.lookupType(`tfplugin6.${rpc}.Request`);
    const responseType = protocolRoot.lookupType(`tfplugin6.${rpc}.Response`);
    definition[rpc] = {
      path: `${PROVIDER_SERVICE}${rpc}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (value: Message) => Buffer.from(requestType.encode(requestType.fromObject(value)).finish()),
      requestDeserialize: (bytes: Buffer) => requestType.toObject(requestType.decode(bytes), { longs: Number, bytes: Buffer }) as Message,
      // A Buffer is a response encoded ahead of time.
      responseSerialize: (value: Message | Buffer) =>
        Buffer.isBuffer(value) ? value : Buffer.from(responseType.encode(responseType.fromObject(value)).finish()),
      responseDeserialize: (bytes: Buffer) => responseType.toObject(responseType.decode(bytes), { longs: Number, bytes: Buffer }) as Message,
    };
  }
  return definition;
}

/** grpc.health.v1 (go-plugin's Ping): always serving. */
function healthDefinition(): grpc.ServiceDefinition {
  const request = new protobuf.Type('HealthCheckRequest').add(new protobuf.Field('service', 1, 'string'));
  const response = new protobuf.Type('HealthCheckResponse').add(new protobuf.Field('status', 1, 'int32'));
  new protobuf.Root().add(request).add(response);
  return {
    Check: {
      path: '/grpc.health.v1.Health/Check',
      requestStream: false,
      responseStream: false,
      requestSerialize: (value: Message) => Buffer.from(request.encode(request.fromObject(value)).finish()),
      requestDeserialize: (bytes: Buffer) => request.toObject(request.decode(bytes)) as Message,
      responseSerialize: (value: Message) => Buffer.from(response.encode(response.fromObject(value)).finish()),
      responseDeserialize: (bytes: Buffer) => response.toObject(response.decode(bytes)) as Message,
    },
  };
}

/** A running stand-in. */
export interface RunningStandin {
  /** The value for TF_REATTACH_PROVIDERS. */
  readonly reattach: string;
  /** The schemas served, by provider local name. */
  readonly schemas: { readonly [name: string]: ProviderSchema };
  /** Stops every server and removes the sockets. */
  close(): Promise<void>;
}

/** Options of startStandin. */
export interface StandinOptions {
  /** Providers to serve. */
  readonly providers: readonly StandinProviderSpec[];
  /** Directory for the Unix sockets. @default a new directory under the OS temp dir */
  readonly socketDir?: string;
}

function listen(server: grpc.Server, socket: string): Promise<void> {
  return new Promise((resolve, reject) =>
    server.bindAsync(`unix://${socket}`, grpc.ServerCredentials.createInsecure(), (error) => (error ? reject(error) : resolve())),
  );
}

/** Starts one server per provider and returns the reattach configuration Terraform needs. */
export async function startStandin(options: StandinOptions): Promise<RunningStandin> {
  const socketDir = options.socketDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-standin-'));
  const servers: grpc.Server[] = [];
  const reattach: Record<string, unknown> = {};
  const schemas: Record<string, ProviderSchema> = {};
  const definition = serviceDefinition();
  const health = healthDefinition();
  try {
    for (const spec of options.providers) {
      const schema = loadProviderSchema(spec);
      schemas[spec.name] = schema;
      const server = new grpc.Server({ 'grpc.max_receive_message_length': 256 * 1024 * 1024, 'grpc.max_send_message_length': 256 * 1024 * 1024 });
      const handlers = providerHandlers(spec, schema);
      const implementation: grpc.UntypedServiceImplementation = {};
      for (const rpc of PROVIDER_RPCS) {
        implementation[rpc] = (call: grpc.ServerUnaryCall<Message, Message | Buffer>, callback: grpc.sendUnaryData<Message | Buffer>) => {
          try {
            callback(null, handlers[rpc](call.request));
          } catch (error) {
            callback({ code: grpc.status.INTERNAL, details: `${spec.name} stand-in: ${rpc} failed: ${(error as Error).message}` });
          }
        };
      }
      server.addService(definition, implementation);
      server.addService(health, { Check: (_call: unknown, callback: grpc.sendUnaryData<Message>) => callback(null, { status: 1 }) });
      const socket = path.join(socketDir, `${spec.name}.sock`);
      await listen(server, socket);
      servers.push(server);
      reattach[schema.address] = { Protocol: 'grpc', ProtocolVersion: 6, Pid: process.pid, Test: true, Addr: { Network: 'unix', String: socket } };
    }
  } catch (error) {
    servers.forEach((server) => server.forceShutdown());
    if (!options.socketDir) fs.rmSync(socketDir, { recursive: true, force: true });
    throw error;
  }
  return {
    reattach: JSON.stringify(reattach),
    schemas,
    close: async () => {
      // Terraform has exited by now; a connection it left open must not keep the run waiting.
      const force = setTimeout(() => servers.forEach((server) => server.forceShutdown()), 2000);
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.tryShutdown(() => resolve()))));
      clearTimeout(force);
      if (!options.socketDir) fs.rmSync(socketDir, { recursive: true, force: true });
    },
  };
}
