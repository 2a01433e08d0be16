// `npm test`: prepares what is missing, then runs vitest (its global setup starts the stack).
import { bootstrap, runNode } from './bootstrap.mjs';

// The test stack always has a real node when run as root (test/global-setup.ts).
await bootstrap({ needBinaries: true, needBrowser: true, realNode: process.getuid?.() === 0 });
runNode(['node_modules/vitest/vitest.mjs', 'run', ...process.argv.slice(2)]);
