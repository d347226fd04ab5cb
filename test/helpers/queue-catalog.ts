/** Test helper: an environment parsed against the example catalog with some service files changed. */
import { join } from 'node:path';
import { parseEnvironment } from '../../config/load';
import { loadServiceCatalog } from '../../config/services';
import { catalogProject } from './services';

export function environmentFromFiles(changes: Parameters<typeof catalogProject>[0], yaml: string) {
  const root = catalogProject(changes);
  return parseEnvironment(yaml, 'environments/test.yaml', loadServiceCatalog(join(root, 'services'), root));
}
