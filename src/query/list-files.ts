/**
 * Finding metric files: glob patterns relative to a base directory, each file once, in reading order.
 */
import { stat } from 'node:fs/promises';
import fg from 'fast-glob';

const collator = new Intl.Collator('en', { numeric: true });

/**
 * Orders files per log: `x.log.<suffix>` (rotated, older; by suffix, numbers compared as numbers) before the active
 * `x.log`.
 */
function compareFiles(a: string, b: string): number {
  const [baseA, suffixA] = splitRotated(a);
  const [baseB, suffixB] = splitRotated(b);
  if (baseA !== baseB) return baseA < baseB ? -1 : 1;
  if (suffixA === suffixB) return 0;
  if (suffixA === '') return 1;
  if (suffixB === '') return -1;
  return collator.compare(suffixA, suffixB) || (suffixA < suffixB ? -1 : 1);
}

function splitRotated(path: string): [string, string] {
  const at = path.lastIndexOf('.log');
  return at >= 0 ? [path.slice(0, at + 4), path.slice(at + 4)] : [path, ''];
}

/** Lists the files the patterns match under `baseDir`, each once: per log, rotated files (by suffix) before the active one. */
export async function listFiles(patterns: readonly string[], baseDir: string): Promise<{ path: string; size: number }[]> {
  const paths = await fg([...patterns], { cwd: baseDir, absolute: true, onlyFiles: true, unique: true, dot: false });
  const unique = [...new Set(paths)].sort(compareFiles);
  const files: { path: string; size: number }[] = [];
  for (const path of unique) {
    try {
      files.push({ path, size: (await stat(path)).size });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return files;
}

