/**
 * The part of Terraform's plugin protocol 6 the stand-in speaks, written as protobufjs reflection
 * objects (no .proto file to find at run time, so the CLI bundle needs nothing beside it).
 *
 * Only the messages and fields Terraform 1.11 exchanges while running `init`, `validate` and `plan`
 * are declared; protobuf ignores fields a side does not know, so the subset stays wire-compatible.
 * Field numbers follow the protocol's published numbering; names are ours where they do not matter
 * on the wire (the service and method names do: they form the gRPC paths).
 */
import * as protobuf from 'protobufjs';

type Fields = Record<string, { type: string; id: number; rule?: 'repeated'; keyType?: string }>;
type MessageJson = { fields: Fields; nested?: Record<string, MessageJson | { values: Record<string, number> }> };

const dynamicValue: MessageJson = { fields: { msgpack: { type: 'bytes', id: 1 }, json: { type: 'bytes', id: 2 } } };
const diagnostics = (id: number): Fields => ({ diagnostics: { rule: 'repeated', type: 'Diagnostic', id } });
const empty: MessageJson = { fields: {} };
const clientCapabilities = { type: 'ClientCapabilities', id: 0 };

/** Request/Response pair, the shape of every RPC's message namespace. */
function rpc(request: Fields, response: Fields): MessageJson {
  return { fields: {}, nested: { Request: { fields: request }, Response: { fields: response } } };
}

const attribute: MessageJson = {
  fields: {
    name: { type: 'string', id: 1 },
    type: { type: 'bytes', id: 2 },
    nestedType: { type: 'Object', id: 10 },
    description: { type: 'string', id: 3 },
    required: { type: 'bool', id: 4 },
    optional: { type: 'bool', id: 5 },
    computed: { type: 'bool', id: 6 },
    sensitive: { type: 'bool', id: 7 },
    deprecated: { type: 'bool', id: 9 },
  },
};

const schema: MessageJson = {
  fields: { version: { type: 'int64', id: 1 }, block: { type: 'Block', id: 2 } },
  nested: {
    Block: {
      fields: {
        version: { type: 'int64', id: 1 },
        attributes: { rule: 'repeated', type: 'Attribute', id: 2 },
        blockTypes: { rule: 'repeated', type: 'NestedBlock', id: 3 },
        description: { type: 'string', id: 4 },
        deprecated: { type: 'bool', id: 6 },
      },
    },
    Attribute: attribute,
    NestedBlock: {
      fields: {
        typeName: { type: 'string', id: 1 },
        block: { type: 'Block', id: 2 },
        nesting: { type: 'int32', id: 3 },
        minItems: { type: 'int64', id: 4 },
        maxItems: { type: 'int64', id: 5 },
      },
    },
    Object: { fields: { attributes: { rule: 'repeated', type: 'Attribute', id: 1 }, nesting: { type: 'int32', id: 3 } } },
  },
};

const stepSelector: Fields = {
  attributeName: { type: 'string', id: 1 },
  elementKeyString: { type: 'string', id: 2 },
  elementKeyInt: { type: 'int64', id: 3 },
};

const PACKAGE = {
  nested: {
    tfplugin6: {
      nested: {
        DynamicValue: dynamicValue,
        Diagnostic: {
          fields: {
            severity: { type: 'int32', id: 1 },
            summary: { type: 'string', id: 2 },
            detail: { type: 'string', id: 3 },
            attribute: { type: 'AttributePath', id: 4 },
          },
        },
        AttributePath: { fields: { steps: { rule: 'repeated', type: 'Step', id: 1 } }, nested: { Step: { fields: stepSelector } } },
        RawState: { fields: { json: { type: 'bytes', id: 1 }, flatmap: { keyType: 'string', type: 'string', id: 2 } } },
        Schema: schema,
        ServerCapabilities: {
          fields: {
            planDestroy: { type: 'bool', id: 1 },
            getProviderSchemaOptional: { type: 'bool', id: 2 },
            moveResourceState: { type: 'bool', id: 3 },
          },
        },
        ClientCapabilities: { fields: { deferralAllowed: { type: 'bool', id: 1 }, writeOnlyAttributesAllowed: { type: 'bool', id: 2 } } },
        TypeNameEntry: { fields: { typeName: { type: 'string', id: 1 } } },
        GetMetadata: rpc(
          {},
          {
            serverCapabilities: { type: 'ServerCapabilities', id: 1 },
            ...diagnostics(2),
            dataSources: { rule: 'repeated', type: 'TypeNameEntry', id: 3 },
            resources: { rule: 'repeated', type: 'TypeNameEntry', id: 4 },
          },
        ),
        GetProviderSchema: rpc(
          {},
          {
            provider: { type: 'Schema', id: 1 },
            resourceSchemas: { keyType: 'string', type: 'Schema', id: 2 },
            dataSourceSchemas: { keyType: 'string', type: 'Schema', id: 3 },
            ...diagnostics(4),
            serverCapabilities: { type: 'ServerCapabilities', id: 6 },
          },
        ),
        ValidateProviderConfig: rpc({ config: { type: 'DynamicValue', id: 1 } }, diagnostics(2)),
        ValidateResourceConfig: rpc({ typeName: { type: 'string', id: 1 }, config: { type: 'DynamicValue', id: 2 } }, diagnostics(1)),
        ValidateDataResourceConfig: rpc({ typeName: { type: 'string', id: 1 }, config: { type: 'DynamicValue', id: 2 } }, diagnostics(1)),
        UpgradeResourceState: rpc(
          { typeName: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 }, rawState: { type: 'RawState', id: 3 } },
          { upgradedState: { type: 'DynamicValue', id: 1 }, ...diagnostics(2) },
        ),
        ConfigureProvider: rpc(
          { terraformVersion: { type: 'string', id: 1 }, config: { type: 'DynamicValue', id: 2 }, clientCapabilities: { ...clientCapabilities, id: 3 } },
          diagnostics(1),
        ),
        ReadResource: rpc(
          { typeName: { type: 'string', id: 1 }, currentState: { type: 'DynamicValue', id: 2 }, private: { type: 'bytes', id: 3 } },
          { newState: { type: 'DynamicValue', id: 1 }, ...diagnostics(2), private: { type: 'bytes', id: 3 } },
        ),
        PlanResourceChange: rpc(
          {
            typeName: { type: 'string', id: 1 },
            priorState: { type: 'DynamicValue', id: 2 },
            proposedNewState: { type: 'DynamicValue', id: 3 },
            config: { type: 'DynamicValue', id: 4 },
            priorPrivate: { type: 'bytes', id: 5 },
            clientCapabilities: { ...clientCapabilities, id: 7 },
          },
          {
            plannedState: { type: 'DynamicValue', id: 1 },
            requiresReplace: { rule: 'repeated', type: 'AttributePath', id: 2 },
            plannedPrivate: { type: 'bytes', id: 3 },
            ...diagnostics(4),
          },
        ),
        ApplyResourceChange: rpc({ typeName: { type: 'string', id: 1 } }, { newState: { type: 'DynamicValue', id: 1 }, ...diagnostics(3) }),
        ImportResourceState: rpc({ typeName: { type: 'string', id: 1 }, id: { type: 'string', id: 2 } }, diagnostics(2)),
        ReadDataSource: rpc(
          { typeName: { type: 'string', id: 1 }, config: { type: 'DynamicValue', id: 2 }, clientCapabilities: { ...clientCapabilities, id: 4 } },
          { state: { type: 'DynamicValue', id: 1 }, ...diagnostics(2) },
        ),
        GetFunctions: rpc({}, { ...diagnostics(2) }),
        StopProvider: rpc({}, { Error: { type: 'string', id: 1 } }),
        Empty: empty,
      },
    },
  },
};

/** The protobuf types of the subset, resolved once. */
export const protocolRoot: protobuf.Root = protobuf.Root.fromJSON(PACKAGE as unknown as protobuf.INamespace);

/** The RPCs the stand-in answers, each with its message namespace. */
export const PROVIDER_RPCS = [
  'GetMetadata',
  'GetProviderSchema',
  'ValidateProviderConfig',
  'ValidateResourceConfig',
  'ValidateDataResourceConfig',
  'UpgradeResourceState',
  'ConfigureProvider',
  'ReadResource',
  'PlanResourceChange',
  'ApplyResourceChange',
  'ImportResourceState',
  'ReadDataSource',
  'GetFunctions',
  'StopProvider',
] as const;
export type ProviderRpc = (typeof PROVIDER_RPCS)[number];

/** The gRPC service path prefix Terraform calls for protocol 6. */
export const PROVIDER_SERVICE = '/tfplugin6.Provider/';

/** Nesting modes of blocks and nested attributes, as numbered on the wire. */
export const NESTING = { single: 1, list: 2, set: 3, map: 4, group: 5 } as const;

/** Diagnostic severities, as numbered on the wire. */
export const SEVERITY = { error: 1, warning: 2 } as const;
