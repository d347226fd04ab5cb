/**
 * Reads the service catalog (`services/<name>.yaml`): YAML → zod (`service-schema.ts`) →
 * cross-field rules, every problem of every file at once. Then applies an environment's
 * `services:` overrides and checks them against its stage.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { findProjectRoot, projectLayout } from './project';

import { WEBSOCKET_DEFAULTS } from './autoscaling';
import {
  DATA_STORE_STAGES,
  DataStoreKind,
  DRAIN_SECONDS,
  EDGE_REACHABLE_STORES,
  EdgeRuntime,
  JOB_DEFAULTS,
  PUBLIC_HOSTS,
  publicPorts,
  BACKLOG_DRAIN_SECONDS,
  backlogTargetPerPod,
  QUEUE_BROKERS,
  rangedRule,
  RESERVED_NODE_PORTS,
  ServiceDefinition,
} from './service-definition';
import { kindProblems, serviceKindOf } from './service-kinds';
import { brokersOf, resolveComponents } from './components';
import { secretShapedProblems, withoutReported } from './secret-shapes';
import { brokerProblems, dataStoresWithTopicBrokers, qualifiedBrokers } from './service-brokers';
import { Problem, UserInputError } from './errors';
import { EnvironmentConfig } from './schema';
import { serviceSchema, ServiceConfig } from './service-schema';
import { Stage } from './stages';
import { zodProblems } from './zod-issues';
import { readInputFile } from './input-file';
import { parseYaml, yamlData } from './yaml-data';

/** Every service definition, or the problems that stop them being used. */
export interface ServiceCatalog {
  readonly services: readonly ServiceDefinition[];
  readonly problems: readonly Problem[];
}

const catalogs = new Map<string, { signature: string; catalog: ServiceCatalog }>();

/** The names and modification times of a folder's files: a catalog is read again when they change. */
function folderSignature(dir: string): string {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return 'absent';
  return readdirSync(dir)
    .sort()
    .map((name) => `${name}:${statSync(join(dir, name), { throwIfNoEntry: false })?.mtimeMs ?? 0}`)
    .join('|');
}

/**
 * The catalog of the project `start` is in (config/project.ts: its root's `services/`, or the
 * folder its cdktf.json names), read again only when the folder's files change.
 */
export function projectServiceCatalog(start = process.cwd()): ServiceCatalog {
  const root = findProjectRoot(start);
  const dir = resolve(root, projectLayout(root).servicesDir);
  const signature = folderSignature(dir);
  const cached = catalogs.get(dir);
  if (cached && cached.signature === signature) return cached.catalog;
  const catalog = loadServiceCatalog(dir, root);
  catalogs.set(dir, { signature, catalog });
  return catalog;
}

/** Reads every `*.yaml` in `dir`; files are named relative to `root` in messages. */
export function loadServiceCatalog(dir: string, root: string): ServiceCatalog {
  const shownDir = relative(root, dir) || '.';
  if (!existsSync(dir)) {
    return {
      services: [],
      problems: [{ file: shownDir, path: '(root)', message: 'service catalog directory not found; create it with one <name>.yaml per service' }],
    };
  }
  if (!statSync(dir).isDirectory()) {
    return {
      services: [],
      problems: [{ file: shownDir, path: '(root)', message: 'is not a directory; give the service catalog directory, one <name>.yaml per service' }],
    };
  }
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const problems: Problem[] = [];
  const parsed: Array<{ file: string; config: ServiceConfig }> = [];
  for (const name of files) {
    const file = join(shownDir, name);
    let text: string;
    try {
      text = readInputFile(join(dir, name), { file, path: '(root)' }, 'a YAML service file');
    } catch (error) {
      if (!(error instanceof UserInputError)) throw error;
      problems.push(...error.problems);
      continue;
    }
    const result = parseServiceFile(text, file);
    problems.push(...result.problems);
    if (result.config) parsed.push({ file, config: result.config });
  }
  const services = parsed.map(({ file, config }) => {
    const definition = definitionOf(config, file);
    if (!config.edge) return definition;
    const edge = readEdgeModule(config.edge, dir, file);
    if ('problem' in edge) {
      problems.push(edge.problem);
      return definition;
    }
    return { ...definition, edge: edge.runtime };
  });
  // A file with schema problems still names a service: calls to it are not reported twice.
  const names = files.map((f) => f.replace(/\.ya?ml$/, ''));
  problems.push(...services.flatMap((service) => catalogProblems(service, services, names)));
  return { services, problems };
}

/** An edge-first service's Worker module, read from beside its file. */
function readEdgeModule(edge: NonNullable<ServiceConfig['edge']>, dir: string, file: string): { runtime: EdgeRuntime } | { problem: Problem } {
  const path = join(dir, edge.module);
  const shown = join(dirname(file), edge.module);
  if (!existsSync(path) || !statSync(path).isFile()) {
    return {
      problem: {
        file,
        path: 'edge.module',
        message: `${shown} does not exist; give the bundled Worker module (an ES module with a default fetch export) beside this file`,
      },
    };
  }
  let code: string;
  try {
    code = readInputFile(path, { file, path: 'edge.module' }, 'a JavaScript module');
  } catch (error) {
    if (error instanceof UserInputError) return { problem: error.problems[0] };
    throw error;
  }
  return {
    runtime: {
      modulePath: shown,
      code,
      durableObjects: edge.durableObjects ?? [],
      kvNamespaces: edge.kvNamespaces ?? [],
      durableObjectRequestsPerRequest: edge.durableObjectRequestsPerRequest ?? 0,
      kvReadsPerRequest: edge.kvReadsPerRequest ?? 0,
    },
  };
}

function parseServiceFile(text: string, file: string): { config?: ServiceConfig; problems: Problem[] } {
  const document = parseYaml(text);
  if (document.errors.length > 0) {
    return { problems: document.errors.map((error) => ({ file, path: '(root)', message: `YAML syntax error: ${error.message.split('\n')[0]}` })) };
  }
  const expanded = yamlData(document, file);
  if (expanded.problem) return { problems: [expanded.problem] };
  const data = expanded.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { problems: [{ file, path: '(root)', message: 'expected a mapping with name, image, ports, health, resources, stages and scaling' }] };
  }
  // A secret-shaped value is refused wherever it is, before the schema looks at the field.
  const secretShaped = secretShapedProblems(file, data, 'service');
  const parsed = serviceSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    const schema = zodProblems(file, parsed.error, serviceSchema);
    return { problems: [...withoutReported(secretShaped, schema), ...schema] };
  }
  const kinds = kindProblems(parsed.data, file);
  if (kinds.length > 0) return { problems: [...withoutReported(secretShaped, kinds), ...kinds] };
  const privateRoutes = (parsed.data.ports ?? []).flatMap((p, i) =>
    p.route !== undefined && p.public !== true
      ? [{ file, path: `ports[${i}].route`, message: 'is set on a private port; allowed only with public: true' }]
      : [],
  );
  return { config: parsed.data, problems: [...secretShaped, ...privateRoutes, ...brokerProblems(parsed.data, file)] };
}

function definitionOf(config: ServiceConfig, file: string): ServiceDefinition {
  const kind = serviceKindOf(config);
  return {
    name: config.name,
    description: config.description,
    kind,
    image: config.image,
    ports: (config.ports ?? []).map((p) => {
      // A gateway's public routes pass WebSocket upgrades unless the file says otherwise.
      const route = p.public
        ? { hosts: p.route?.hosts ?? [...PUBLIC_HOSTS], path: p.route?.path ?? '/', websocket: p.route?.websocket ?? kind === 'gateway' }
        : undefined;
      return {
        name: p.name,
        port: p.port,
        public: p.public ?? false,
        ...(route ? { route } : {}),
        paths: route ? routePathPatterns(route.path) : [],
        nodePort: p.nodePort,
      };
    }),
    health: config.health,
    ...(kind === 'job' && config.schedule !== undefined
      ? {
          schedule: {
            cron: config.schedule.trim().split(/\s+/).join(' '),
            timeZone: config.timeZone,
            concurrencyPolicy: config.concurrencyPolicy ?? JOB_DEFAULTS.concurrencyPolicy,
            deadlineSeconds: config.deadlineSeconds ?? JOB_DEFAULTS.deadlineSeconds,
            retries: config.retries ?? JOB_DEFAULTS.retries,
          },
        }
      : {}),
    drainSeconds: config.drainSeconds ?? DRAIN_SECONDS[kind],
    secrets: config.secrets ?? [],
    ...(config.archive ? { archive: true } : {}),
    resources: config.resources,
    env: config.env ?? {},
    dataStores: dataStoresWithTopicBrokers(config),
    topics: {
      consumes: config.topics?.consumes ?? [],
      produces: config.topics?.produces ?? [],
      ...Object.fromEntries(
        qualifiedBrokers(config.topics).map((b) => [b, { consumes: config.topics?.[b]?.consumes ?? [], produces: config.topics?.[b]?.produces ?? [] }]),
      ),
    },
    calls: config.calls ?? [],
    stages: config.stages,
    // kindProblems ensured a scaling rule on every kind but a job, which runs one pod per run.
    scaling: config.scaling ?? { rule: 'fixed', replicas: 1 },
    demand: config.demand ?? { driver: 'fixed' },
    sourceFile: file,
  };
}

/** Rules that compare fields of one definition, or a definition with the rest of the catalog. */
function catalogProblems(service: ServiceDefinition, catalog: readonly ServiceDefinition[], names: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ file: service.sourceFile, path, message });
  const fileName = basename(service.sourceFile).replace(/\.ya?ml$/, '');
  if (service.name !== fileName) add('name', `"${service.name}" must match the file name; allowed: ${fileName}`);
  if (catalog.some((other) => other !== service && other.name === service.name && other.sourceFile < service.sourceFile)) {
    add('name', `"${service.name}" is already defined in another file; each service is defined once`);
  }

  if (service.edge) {
    service.dataStores.forEach((kind, i) => {
      if (!EDGE_REACHABLE_STORES.includes(kind)) {
        add(
          `dataStores[${i}]`,
          `${kind} runs inside a region's VPC, which a Worker at the edge cannot reach; allowed for an edge service: ${EDGE_REACHABLE_STORES.join(', ')} (CockroachDB Cloud), or drop edge: to run it in the regions`,
        );
      }
    });
    if (!service.ports.some((p) => p.public)) add('ports', "an edge service answers on the edge Worker's routes: give it a public port with a route");
    if (service.calls.length > 0) add('calls', "an edge service cannot call services inside the regions' clusters; allowed: []");
    const names = [...service.edge.durableObjects, ...service.edge.kvNamespaces];
    names.forEach((name, i) => {
      if (names.indexOf(name) !== i) add('edge', `"${name}" is bound twice; each Durable Object class and KV binding needs its own name`);
    });
  }

  const { requests, limits } = service.resources;
  if (limits.cpuMillis < requests.cpuMillis) {
    add('resources.limits.cpuMillis', `${limits.cpuMillis} is below the request ${requests.cpuMillis}; a limit must be ≥ its request`);
  }
  if (limits.memoryMiB < requests.memoryMiB) {
    add('resources.limits.memoryMiB', `${limits.memoryMiB} is below the request ${requests.memoryMiB}; a limit must be ≥ its request`);
  }

  service.ports.forEach((port, i) => {
    const first = service.ports.findIndex((p) => p.port === port.port);
    if (first !== i) add(`ports[${i}].port`, `${port.port} is already used by ports[${first}] (${service.ports[first].name}); each port may be used once`);
    const sameName = service.ports.findIndex((p) => p.name === port.name);
    if (sameName !== i) add(`ports[${i}].name`, `"${port.name}" is already the name of ports[${sameName}]; each port name may be used once`);
  });
  service.ports.forEach((port, i) => {
    if (!port.route) return;
    for (const other of catalog) {
      if (other === service || other.sourceFile > service.sourceFile) continue;
      for (const otherPort of other.ports) {
        const shared = otherPort.route?.path === port.route.path ? port.route.hosts.filter((h) => otherPort.route!.hosts.includes(h)) : [];
        if (shared.length > 0) {
          add(
            `ports[${i}].route`,
            `path "${port.route.path}" on ${shared.join(', ')} is already routed to ${other.name} (${otherPort.name}); give one of them another path or hosts`,
          );
        }
      }
    }
  });
  problems.push(...routeProblems(service, catalog));
  const portNames = service.ports.map((p) => p.name);
  if (service.health && !portNames.includes(service.health.port)) {
    add('health.port', `"${service.health.port}" is not one of this service's ports; allowed: ${portNames.join(', ')}`);
  }

  const ranged = rangedRule(service.scaling);
  if (ranged && ranged.min > ranged.max) {
    add('scaling.min', `${ranged.min} must not exceed scaling.max (${ranged.max})`);
  }
  if (service.scaling.rule === 'queue') problems.push(...queueRuleProblems(service));

  const demand = service.demand;
  if (demand.driver === 'connections' && demand.scaleAtConnectionsPerPod !== undefined && demand.scaleAtConnectionsPerPod > demand.connectionsPerPod) {
    add(
      'demand.scaleAtConnectionsPerPod',
      `${demand.scaleAtConnectionsPerPod} must not exceed demand.connectionsPerPod (${demand.connectionsPerPod}), the most a pod holds`,
    );
  }
  // An edge service has no pods: its demand prices its Worker (cost/pricers.ts), its scaling is unused.
  if (demand.driver !== 'fixed' && service.scaling.rule === 'fixed' && !service.edge) {
    add(
      'demand.driver',
      `${demand.driver} derives a pod range, which needs an autoscaled scaling rule; allowed: fixed with scaling rule fixed, or scaling rule cpu, queue, api or websocket-gateway`,
    );
  }

  service.stages.forEach((stage, i) => {
    const missing = service.dataStores.filter((store) => !DATA_STORE_STAGES[store].includes(stage));
    for (const store of missing) {
      add(`stages[${i}]`, `${stage} cannot host ${service.name}: it has no ${store} (${store} runs on ${DATA_STORE_STAGES[store].join(', ')})`);
    }
  });

  service.calls.forEach((callee, i) => {
    const target = catalog.find((s) => s.name === callee);
    if (callee === service.name) add(`calls[${i}]`, `"${callee}" is the service itself; list the other services it calls`);
    else if (!target && names.includes(callee))
      return; // its own file's problems are reported
    else if (!target) add(`calls[${i}]`, `"${callee}" is not a service of the catalog; allowed: ${names.filter((n) => n !== service.name).join(', ')}`);
    else if (target.kind === 'job') add(`calls[${i}]`, `"${callee}" is a job: it runs on its schedule and serves nothing between runs; remove it from calls`);
    else {
      const absent = service.stages.filter((stage) => !target.stages.includes(stage));
      if (absent.length > 0)
        add(`calls[${i}]`, `"${callee}" does not run on ${absent.join(', ')}, where ${service.name} runs; ${callee} runs on ${target.stages.join(', ')}`);
    }
  });
  return problems;
}

/**
 * A queue rule scales on the backlog of what the service consumes: it must consume something, and
 * know the backlog one pod carries (its own `targetBacklogPerPod`, or its queue demand's rate).
 */
function queueRuleProblems(service: ServiceDefinition): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ file: service.sourceFile, path, message });
  const consumed = [service.topics.consumes, ...QUEUE_BROKERS.map((b) => consumedOn(service, b))].flat();
  if (consumed.length === 0) {
    add(
      'scaling.rule',
      'queue scales on the backlog of the topics the service consumes, and it consumes none; allowed: name them in topics.consumes (or topics.<broker>.consumes), or scaling rule cpu or fixed',
    );
  }
  if (backlogTargetPerPod(service) === undefined) {
    add(
      'scaling.targetBacklogPerPod',
      `is required with demand driver ${service.demand.driver}: the default is demand.messagesPerSecondPerPod × ${BACKLOG_DRAIN_SECONDS} s, which only a queue demand has; allowed: 1 to 1000000000, or demand driver queue`,
    );
  }
  return problems;
}

/**
 * How the load balancer reaches the public ports, across the catalog: each node port once (and
 * none the platform reserves), each path once, and one catch-all port at most. A clash is
 * reported on the later service (by file name), naming the earlier one.
 */
function routeProblems(service: ServiceDefinition, catalog: readonly ServiceDefinition[]): Problem[] {
  const problems: Problem[] = [];
  const indexOf = (name: string) => service.ports.findIndex((p) => p.name === name);
  const earlier = catalog.filter((other) => other !== service && other.sourceFile < service.sourceFile);
  service.ports.forEach((port, i) => {
    if (!port.public && port.nodePort !== undefined)
      problems.push({ file: service.sourceFile, path: `ports[${i}].nodePort`, message: 'applies to public ports; set public: true or remove it' });
  });
  const exposed = publicPorts(service);
  if (exposed.length > 0 && !exposed.some((p) => p.name === service.health?.port)) {
    problems.push({
      file: service.sourceFile,
      path: 'health.port',
      message: `"${service.health?.port}" is not public; the load balancer checks the readiness path through a public port, so serve health on one; allowed: ${exposed.map((p) => p.name).join(', ')}`,
    });
  }
  for (const port of exposed) {
    const i = indexOf(port.name);
    const add = (path: string, message: string) => problems.push({ file: service.sourceFile, path: `ports[${i}]${path}`, message });
    const reserved = Object.entries(RESERVED_NODE_PORTS).find(([, p]) => p === port.nodePort);
    const field = port.nodePort === service.ports[i].nodePort ? '.nodePort' : '';
    if (reserved)
      add(field, `node port ${port.nodePort} is reserved by the platform (${reserved[0]}); set ports[${i}].nodePort to another port in 30000–32767`);
    for (const other of earlier) {
      for (const theirs of publicPorts(other)) {
        if (theirs.nodePort === port.nodePort) {
          add(
            field,
            `node port ${port.nodePort} is already the node port of ${other.name}'s port ${theirs.name} (${other.sourceFile}); node ports are unique per cluster: set ports[${i}].nodePort to another port in 30000–32767`,
          );
        }
      }
    }
  }
  return problems;
}

/** The services an environment of `stage` runs, with its `services:` overrides applied. */
export function deployedServices(config: EnvironmentConfig, stage: Stage, catalog: readonly ServiceDefinition[]): ServiceDefinition[] {
  const brokers = resolveComponents(config, stage).queues;
  return catalog
    .filter((service) => config.services?.[service.name]?.enabled ?? service.stages.includes(stage))
    .map((defined) => {
      const service = withQueueOfTopics(defined, stage, brokers);
      const override = config.services?.[service.name];
      if (!override) return service;
      const scaling = service.scaling;
      const ranged = rangedRule(scaling);
      return {
        ...service,
        image: override.image ?? service.image,
        scaling:
          scaling.rule === 'fixed'
            ? { ...scaling, replicas: override.replicas ?? scaling.replicas }
            : ranged
              ? { ...ranged, min: override.min ?? ranged.min, max: override.max ?? ranged.max }
              : scaling,
      };
    });
}

/**
 * A service that names `topics` is a client of the queue wherever the stage runs one (growth and
 * up), whether or not its `dataStores` lists `queue`: a producer that runs from launch on (the
 * api) publishes where a queue exists and works without one before. Listing `queue` in
 * `dataStores` means more: the service cannot run on a stage without it.
 */
export function withQueueOfTopics(service: ServiceDefinition, stage: Stage, brokers: readonly DataStoreKind[]): ServiceDefinition {
  const { consumes, produces } = service.topics;
  const usesTopics = consumes.length + produces.length > 0;
  const namesBroker = service.dataStores.some((s) => s === 'queue' || s === 'rabbitmq' || s === 'kafka');
  if (!usesTopics || namesBroker || !DATA_STORE_STAGES.queue.includes(stage)) return service;
  // With one broker it is `queue`; with none there is nothing to publish to; with both the service must name one.
  return brokers.length === 1 ? { ...service, dataStores: [...service.dataStores, 'queue'] } : service;
}

/** Problems of an environment's `services:` and `autoscaling:` sections against the catalog and its stage. */
export function serviceOverrideProblems(file: string, config: EnvironmentConfig, stage: Stage, catalog: readonly ServiceDefinition[]): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ file, path, message });
  const names = catalog.map((s) => s.name);
  for (const [name, override] of Object.entries(config.services ?? {})) {
    const service = catalog.find((s) => s.name === name);
    if (!service) {
      add(`services.${name}`, `"${name}" is not a service of the catalog; allowed: ${names.join(', ')}`);
      continue;
    }
    if (override.enabled === true && !service.stages.includes(stage)) {
      add(`services.${name}.enabled`, `${stage} cannot host ${name}; it runs on ${service.stages.join(', ')} (${service.sourceFile}: stages)`);
    }
    if (service.kind === 'job') {
      for (const key of ['replicas', 'min', 'max'] as const) {
        if (override[key] !== undefined)
          add(`services.${name}.${key}`, `${name} is a job: it runs one pod per run on its schedule (${service.sourceFile}: schedule); remove ${key}`);
      }
      continue;
    }
    if (override.replicas !== undefined && service.scaling.rule !== 'fixed') {
      add(`services.${name}.replicas`, `applies to services with scaling rule fixed; ${name} uses ${service.scaling.rule}`);
    }
    for (const key of ['min', 'max'] as const) {
      if (override[key] !== undefined && !rangedRule(service.scaling)) {
        add(
          `services.${name}.${key}`,
          `applies to services with scaling rule cpu or queue; ${name} uses ${service.scaling.rule}${service.scaling.rule === 'api' || service.scaling.rule === 'websocket-gateway' ? ` (set autoscaling.${service.scaling.rule === 'api' ? 'api' : 'websocket'}.${key})` : ''}`,
        );
      }
    }
    const ranged = rangedRule(service.scaling);
    if (ranged) {
      const min = override.min ?? ranged.min;
      const max = override.max ?? ranged.max;
      if ((override.min !== undefined || override.max !== undefined) && min > max) {
        add(`services.${name}.${override.min !== undefined ? 'min' : 'max'}`, `min (${min}) must not exceed max (${max})`);
      }
    }
  }

  const running = deployedServices(config, stage, catalog);
  for (const service of running.filter((s) => s.edge)) {
    const workerRuns = config.edge?.worker?.enabled ?? stage === 'massive';
    if (!workerRuns) {
      add(
        `services.${service.name}`,
        `${service.name} runs at the edge (${service.sourceFile}: edge), which needs the edge Worker; set edge.worker.enabled: true (growth on) or disable ${service.name}`,
      );
    }
    const managedCockroach = config.components?.cockroachdb?.hosting === 'managed';
    if (service.dataStores.includes('database') && !managedCockroach) {
      add(
        `services.${service.name}`,
        `${service.name} runs at the edge and declares database (${service.sourceFile}: dataStores), but this environment's database is inside its VPCs; allowed: components.cockroachdb.hosting: managed (CockroachDB Cloud), or drop database from ${service.name}`,
      );
    }
  }
  const { queues } = resolveComponents(config, stage);
  for (const service of running.filter((s) => s.scaling.rule === 'queue')) {
    const missing = QUEUE_BROKERS.filter((b) => !queues.includes(b) && consumedOn(service, b).length > 0);
    const unplaced = queues.length === 0 || brokersOf(service, queues).length === 0;
    if (missing.length > 0 || unplaced) {
      const which = missing.length > 0 ? missing.join(' and ') : 'queue';
      add(
        `services.${service.name}`,
        `${service.name} scales on the backlog of the topics it consumes (${service.sourceFile}: scaling.rule queue), but this environment runs no ${which} to read it from; allowed: a stage and components.queue with its broker (${QUEUE_BROKERS.join(', ')}), or disable ${service.name}`,
      );
    }
  }
  for (const caller of running) {
    caller.calls.forEach((callee, i) => {
      if (running.some((s) => s.name === callee) || !names.includes(callee)) return;
      const where = config.services?.[callee]?.enabled === false ? `services.${callee}.enabled` : `services.${caller.name}`;
      add(
        where,
        `${caller.name} calls ${callee} (${caller.sourceFile}: calls[${i}]), which does not run in this environment; enable ${callee} or disable ${caller.name}`,
      );
    });
  }

  const ws = config.autoscaling?.websocket;
  const api = config.autoscaling?.api;
  for (const [key, range] of [
    ['websocket', ws],
    ['api', api],
  ] as const) {
    if (range?.min !== undefined && range.max !== undefined && range.min > range.max) {
      add(`autoscaling.${key}`, `min (${range.min}) must not exceed max (${range.max})`);
    }
  }
  if (ws?.scaleDownCpuPercent !== undefined || ws?.scaleUpCpuPercent !== undefined) {
    const down = ws.scaleDownCpuPercent ?? WEBSOCKET_DEFAULTS.scaleDownCpuPercent;
    const up = ws.scaleUpCpuPercent ?? WEBSOCKET_DEFAULTS.scaleUpCpuPercent;
    if (down >= up) add('autoscaling.websocket.scaleDownCpuPercent', `${down} must be below the scale-up threshold ${up}; allowed: 1 to ${up - 1}`);
  }
  if (ws?.scaleDownConnectionsPerPod !== undefined || ws?.scaleUpConnectionsPerPod !== undefined) {
    const down = ws.scaleDownConnectionsPerPod ?? WEBSOCKET_DEFAULTS.scaleDownConnectionsPerPod;
    const up = ws.scaleUpConnectionsPerPod ?? WEBSOCKET_DEFAULTS.scaleUpConnectionsPerPod;
    if (down >= up) add('autoscaling.websocket.scaleDownConnectionsPerPod', `${down} must be below the scale-up threshold ${up}; allowed: 1 to ${up - 1}`);
  }
  return problems;
}

/** Topics `service` names as consumed on `broker` explicitly (`topics.<broker>.consumes`). */
function consumedOn(service: ServiceDefinition, broker: (typeof QUEUE_BROKERS)[number]): readonly string[] {
  return service.topics[broker]?.consumes ?? [];
}

/** The load balancer path patterns of a route's path prefix: `/ws` → `/ws`, `/ws/*`; none for `/` (every other path). */
export function routePathPatterns(path: string): string[] {
  return path === '/' ? [] : [path, `${path}/*`];
}
