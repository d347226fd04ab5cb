/**
 * The cdktf app run from TypeScript sources (`npx tsx main.ts`), for working on Stagecraft
 * itself. cdktf.json runs the precompiled `node bin/cdktf-app.js`, which is the same code.
 */
import { cdktfApp } from './cli/cdktf-app';

cdktfApp();
