import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedFiles } from './generated.js';

/**
 * `npm run gen` writes the generated files (printed GraphQL schema, OpenAPI types);
 * `--check` fails if a committed one differs from what the sources produce.
 */
const check = process.argv.includes('--check');
let drift = false;
for (const { path, content } of await generatedFiles()) {
  const file = fileURLToPath(new URL(`../${path}`, import.meta.url));
  let current = '';
  try { current = readFileSync(file, 'utf8'); } catch { /* missing */ }
  if (current === content) continue;
  if (check) { drift = true; process.stderr.write(`${path} is out of date: run npm run gen\n`); } else { mkdirSync(dirname(file), { recursive: true }); writeFileSync(file, content); process.stdout.write(`wrote ${path}\n`); }
}
process.exit(drift ? 1 : 0);
