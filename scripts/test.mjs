// `npm test`: prepares what is missing, then runs vitest (its global setup starts the stack).
import { bootstrap, runNode } from './bootstrap.mjs';

bootstrap({ needBinaries: true, needBrowser: true });
runNode(['node_modules/vitest/vitest.mjs', 'run', ...process.argv.slice(2)]);
