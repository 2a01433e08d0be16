import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedFiles, repoFile } from '../scripts/generated.js';

// Committed generated files must match their sources: run `npm run gen` after changing them.
describe('generated files do not drift', async () => {
  for (const { path, content } of await generatedFiles()) {
    it(`${path} is up to date`, () => {
      expect(readFileSync(repoFile(path), 'utf8')).toBe(content);
    });
  }
});
