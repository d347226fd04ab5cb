// Jest transform: TypeScript → CommonJS with esbuild (already here for tsx). No type-checking;
// `npm run typecheck` does that.
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: filename.endsWith('.js') ? 'js' : 'ts',
      format: 'cjs',
      target: 'es2022',
      sourcemap: 'external',
      sourcefile: filename,
    });
    return { code, map };
  },
};
