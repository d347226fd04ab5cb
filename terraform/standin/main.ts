/**
 * Runs the stand-in on its own, for running terraform by hand against a synthesized stack:
 *
 *   npx tsx terraform/standin/main.ts [cloudflare] [kubernetes]
 *
 * prints `export TF_REATTACH_PROVIDERS='…'` on stdout (paste it into the shell, or `eval` it) and
 * serves until interrupted. Providers default to every one the stand-in knows.
 */
import { STANDIN_PROVIDERS } from './providers';
import { startStandin } from './server';

async function main(names: readonly string[]): Promise<number> {
  const unknown = names.filter((name) => !STANDIN_PROVIDERS[name]);
  if (unknown.length > 0) {
    process.stderr.write(`standin: unknown provider ${unknown.join(', ')}; known: ${Object.keys(STANDIN_PROVIDERS).join(', ')}\n`);
    return 2;
  }
  const chosen = (names.length > 0 ? names : Object.keys(STANDIN_PROVIDERS)).map((name) => STANDIN_PROVIDERS[name]);
  const standin = await startStandin({ providers: chosen });
  process.stdout.write(`export TF_REATTACH_PROVIDERS='${standin.reattach}'\n`);
  for (const [name, schema] of Object.entries(standin.schemas)) {
    process.stderr.write(`standin: serving ${name} as ${schema.address} ${schema.providerVersion} (schema from ${schema.derivedFrom}); Ctrl-C stops\n`);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await standin.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`standin: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
