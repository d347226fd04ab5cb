/** Reads environment files: YAML → zod → cross-field rules → typed Environment. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { Environment, crossFieldProblems, resolveEnvironment, resolveStage } from './environment';
import { Problem, shownValue, UserInputError } from './errors';
import { environmentSchema } from './schema';
import { deployedServices, loadServiceCatalog, projectServiceCatalog, ServiceCatalog, serviceOverrideProblems } from './services';
import { resolveComponents, serviceComponentProblems } from './components';
import { poolerServiceProblems } from './pooler';
import { zodProblems } from './zod-issues';
import { readInputFile } from './input-file';
import { MAX_YAML_ALIASES, parseYaml, yamlData } from './yaml-data';
import { secretShapedProblems, withoutReported } from './secret-shapes';
import { projectLayout } from './project';

/** Options of `parseEnvironment` and `loadEnvironments`. */
export interface LoadOptions {
  /** Directory of the service catalog, relative to the root. @default the project's (config/project.ts) */
  readonly servicesDir?: string;
}

/** The catalog in `servicesDir` (or the project's of `root`); files named relative to `root`. */
export function serviceCatalog(options: LoadOptions = {}, root = process.cwd()): ServiceCatalog {
  if (options.servicesDir !== undefined) return loadServiceCatalog(resolve(root, options.servicesDir), root);
  return projectServiceCatalog(root);
}

/** Parses one environment's YAML text; returns the environment or every problem found. */
export function parseEnvironment(text: string, file: string, catalog: ServiceCatalog = serviceCatalog()): { environment?: Environment; problems: Problem[] } {
  const document = parseYaml(text);
  if (document.errors.length > 0) {
    return {
      problems: document.errors.map((error) => {
        const at = error.linePos?.[0];
        const where = at ? `line ${at.line}, column ${at.col}` : '(root)';
        const reason = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
        return { file, path: where, message: `YAML syntax error: ${reason}` };
      }),
    };
  }
  const expanded = yamlData(document, file);
  if (expanded.problem) return { problems: [expanded.problem] };
  const data = expanded.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const received = data === null || data === undefined ? 'an empty document' : Array.isArray(data) ? 'a list' : shownValue(data);
    return { problems: [{ file, path: '(root)', message: `expected a mapping with name, stage, regions and domain; received ${received}` }] };
  }
  // A secret-shaped value (a provider key, a private key) is refused wherever it is in the file.
  const secretShaped = secretShapedProblems(file, data, 'environment');
  const parsed = environmentSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    const schema = zodProblems(file, parsed.error, environmentSchema);
    return { problems: [...withoutReported(secretShaped, schema), ...schema] };
  }
  const { stage } = resolveStage(parsed.data);
  const others = [...crossFieldProblems(file, parsed.data), ...serviceOverrideProblems(file, parsed.data, stage, catalog.services)];
  const problems = [...withoutReported(secretShaped, others), ...others];
  if (problems.length > 0) return { problems };
  // The components resolve only on a file without problems; the services then need what they run on.
  const components = resolveComponents(parsed.data, stage);
  const deployed = deployedServices(parsed.data, stage, catalog.services);
  problems.push(...serviceComponentProblems(file, components, deployed, stage), ...poolerServiceProblems(file, components.pooler, deployed));
  if (problems.length > 0) return { problems };
  return { environment: resolveEnvironment(parsed.data, file, catalog.services), problems: [] };
}

/** YAML files in the project's environments folder, relative to `root`, sorted. */
function listEnvironmentFiles(root: string, environmentsDir: string): string[] {
  const dir = join(root, environmentsDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(environmentsDir, f));
}

/** The `name:` of an environment file, or undefined when it cannot be read (validation reports that later). */
function declaredName(root: string, file: string): string | undefined {
  try {
    const data: unknown = parse(readInputFile(resolve(root, file), { file, path: '(root)' }), { maxAliasCount: MAX_YAML_ALIASES });
    return data !== null && typeof data === 'object' && 'name' in data ? String((data as { name: unknown }).name) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Finds the files for `--env` arguments: a path to a YAML file, a file name in
 * `environments/` (`growth`), or an environment name (`acme-growth`). No arguments means
 * every YAML file in `environments/`.
 */
export function environmentFiles(selectors: readonly string[], root = process.cwd()): string[] {
  const environmentsDir = projectLayout(root).environmentsDir;
  const known = listEnvironmentFiles(root, environmentsDir);
  if (selectors.length === 0) {
    if (!existsSync(join(root, environmentsDir))) {
      throw new UserInputError([{ file: environmentsDir, path: '(root)', message: 'directory not found; create it or pass --env <file>' }]);
    }
    return known;
  }
  const problems: Problem[] = [];
  const isFile = (candidate: string) => existsSync(resolve(root, candidate)) && statSync(resolve(root, candidate)).isFile();
  const files = selectors.flatMap((selector) => {
    const byPath = /\.ya?ml$/.test(selector) ? [selector] : [join(environmentsDir, `${selector}.yaml`), join(environmentsDir, `${selector}.yml`)];
    const found = byPath.find(isFile) ?? known.find((file) => declaredName(root, file) === selector);
    if (!found) {
      const names = known.map((f) => `${basename(f).replace(/\.ya?ml$/, '')} (${declaredName(root, f) ?? '?'})`);
      problems.push({ file: selector, path: '(root)', message: `no such environment file or name; known environments: ${names.join(', ') || '(none)'}` });
      return [];
    }
    return [found];
  });
  if (problems.length > 0) throw new UserInputError(problems);
  return [...new Set(files)];
}

/** Loads and validates environment files; throws one UserInputError listing every problem in every file. */
export function loadEnvironments(files: readonly string[], root = process.cwd(), options: LoadOptions = {}): Environment[] {
  const catalog = serviceCatalog(options, root);
  // A broken catalog breaks every environment: report its problems once, with the files'.
  const problems: Problem[] = [...catalog.problems];
  const environments: Environment[] = [];
  for (const file of files) {
    const shown = relative(root, resolve(root, file)) || basename(file);
    let text: string;
    try {
      text = readInputFile(resolve(root, file), { file: shown, path: '(root)' }, 'a YAML environment file');
    } catch (error) {
      if (!(error instanceof UserInputError)) throw error;
      problems.push(...error.problems);
      continue;
    }
    const result = parseEnvironment(text, shown, catalog);
    problems.push(...result.problems);
    if (result.environment) environments.push(result.environment);
  }
  const byName = new Map<string, string>();
  for (const environment of environments) {
    const earlier = byName.get(environment.name);
    if (earlier) {
      problems.push({
        file: environment.sourceFile,
        path: 'name',
        message: `"${environment.name}" is also the name in ${earlier}; stack names must be unique`,
      });
    }
    byName.set(environment.name, environment.sourceFile);
  }
  if (problems.length > 0) throw new UserInputError(problems);
  return environments;
}
