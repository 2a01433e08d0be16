import { readdir, readFile, stat } from 'node:fs/promises';
import { join, normalize } from 'node:path';

/**
 * What detection may look at. It asks for named files and single directory listings only, so a
 * repository of any size costs the same handful of reads.
 */
export interface SourceReader {
  /** Text of a file relative to the source root, or undefined if it is absent (or too large to be a manifest). */
  read(path: string): Promise<string | undefined>;
  exists(path: string): Promise<boolean>;
  /** Names in one directory (not recursive); empty if absent. */
  list(dir: string): Promise<string[]>;
}

const MAX_MANIFEST = 1024 * 1024;

export function dirReader(root: string): SourceReader {
  const inside = (p: string) => {
    const full = normalize(join(root, p));
    if (!full.startsWith(normalize(root))) throw new Error(`path escapes the source: ${p}`);
    return full;
  };
  return {
    read: async (p) => {
      try {
        const s = await stat(inside(p));
        if (!s.isFile() || s.size > MAX_MANIFEST) return undefined;
        return await readFile(inside(p), 'utf8');
      } catch { return undefined; }
    },
    exists: async (p) => { try { await stat(inside(p)); return true; } catch { return false; } },
    list: async (d) => { try { return (await readdir(inside(d))).sort(); } catch { return []; } },
  };
}

/** An in-memory source, for tests and previews. */
export function memoryReader(files: Record<string, string>): SourceReader {
  const names = Object.keys(files);
  return {
    read: async (p) => files[p],
    exists: async (p) => p in files || names.some((n) => n.startsWith(`${p}/`)),
    list: async (d) => {
      const prefix = d === '.' || d === '' ? '' : `${d}/`;
      return [...new Set(names.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length).split('/')[0]!))].sort();
    },
  };
}
