// cdktf records a full call stack per token; jest's source-mapped formatting of each one costs
// more than the synthesis. Error traces are kept (see cli/token-stack-traces.ts).
// (cdktf's own matchers, Testing.setupJest(), are set up only by the test file that uses them:
// loading cdktf here cost every test file about half a CPU second, cdktf or not.)
import { skipTokenCreationStacks } from '../cli/token-stack-traces';
skipTokenCreationStacks();
