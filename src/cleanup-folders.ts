/**
 * The folders the cleaner works in, each opened once and checked once. Every name inside an opened folder is
 * resolved through its descriptor (`/proc/self/fd/<fd>/<name>`): Node has no `unlinkat`, and that path is the same
 * thing, so swapping a folder for a symlink after it was checked cannot send a deletion anywhere else. Folders are
 * opened one path component at a time from the base directory, each with `O_NOFOLLOW`, so no symlink is ever
 * followed on the way down. Where `/proc/self/fd` does not exist (not Linux) folders are only listed, never
 * deleted in.
 */
import { closeSync, constants, existsSync, lstatSync, openSync, readlinkSync } from 'node:fs';
import { sep } from 'node:path';

const DIRECTORY_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY;
const PROC_FD = '/proc/self/fd';

/** A folder of one cleanup run. */
export interface Folder {
  /** The path the folder's entries are reached through: `/proc/self/fd/<fd>` once opened, else a plain path. */
  readonly ioPath: string;
  /** Its path relative to the base directory, `/`-separated, with a trailing `/` (empty for the base itself). */
  readonly rel: string;
  /** Its path segments relative to the base directory. */
  readonly segments: readonly string[];
  /** Whether files may be deleted here: opened without following a symlink and checked to be inside the base. */
  readonly canDelete: boolean;
  readonly fd: number | undefined;
}

/** Whether folders can be opened and deleted in through `/proc/self/fd` on this system. */
export function hasFolderHandles(): boolean {
  return existsSync(`${PROC_FD}/`);
}

/** Opens the (real) base directory; with `handles` false it is only listed. ENOENT is thrown. */
export function openBase(realBase: string, handles: boolean): Folder {
  if (!handles) return { ioPath: realBase, rel: '', segments: [], canDelete: false, fd: undefined };
  const fd = openSync(realBase, DIRECTORY_FLAGS);
  return { ioPath: `${PROC_FD}/${fd}`, rel: '', segments: [], canDelete: true, fd };
}

/**
 * Opens the folder `name` inside `parent`, without following a symlink, and checks that it is inside `realBase`.
 * A symlink there (or a folder that became one) is listed only when `named` (a pattern names that folder outright;
 * what it holds is counted and skipped, never deleted) and otherwise not entered: `undefined`. Errors (ENOENT
 * included) are thrown for the caller to sort.
 */
export function openChild(parent: Folder, name: string, named: boolean, realBase: string): Folder | undefined {
  const path = `${parent.ioPath}/${name}`;
  const rel = `${parent.rel}${name}/`;
  const segments = [...parent.segments, name];
  if (parent.fd === undefined) {
    const stats = lstatSync(path);
    if (stats.isSymbolicLink() ? !named : !stats.isDirectory()) return undefined;
    return { ioPath: path, rel, segments, canDelete: false, fd: undefined };
  }
  let fd: number;
  try {
    fd = openSync(path, DIRECTORY_FLAGS | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ELOOP' && code !== 'ENOTDIR') throw error;
    // a symlink (ELOOP) or no longer a folder (ENOTDIR): listed through the path when named, never deleted in
    return named && lstatSync(path).isSymbolicLink() ? { ioPath: path, rel, segments, canDelete: false, fd: undefined } : undefined;
  }
  let inside: boolean;
  try {
    const real = readlinkSync(`${PROC_FD}/${fd}`);
    inside = real.startsWith(realBase.endsWith(sep) ? realBase : realBase + sep);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return { ioPath: `${PROC_FD}/${fd}`, rel, segments, canDelete: inside, fd };
}

/** Closes a folder's descriptor, if it has one. */
export function closeFolder(folder: Folder): void {
  if (folder.fd !== undefined) closeSync(folder.fd);
}
