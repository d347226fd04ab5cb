#!/usr/bin/env node
// Runs the TypeScript CLI without a build step: tsx transpiles without type-checking.
require('tsx/cjs');
require('../cli/main.ts').main();
