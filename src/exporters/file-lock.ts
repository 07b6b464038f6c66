/**
 * perflog's one cross-process lock: a file created with `O_EXCL`, holding `pid thread host token`. Taken briefly
 * around a rotation, and as a refreshed lease by the cleanup service and the OTLP shipper.
 *
 * Why not proper-lockfile: it loads signal-exit, which at import puts handlers on about fifteen signals and re-raises
 * them, so SIGXFSZ, which Node ignores (a write past a file size limit then just fails with EFBIG), kills the app. A
 * monitoring library must not change how its host reacts to signals.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { threadId } from 'node:worker_threads';

/**
 * A lock older than this is stale whoever holds it: a rotation holds the lock for a few system calls, so only a
 * frozen or crashed holder (or one on another host, whose pid cannot be checked) keeps it this long.
 */
export const STALE_LOCK_MILLIS = 10_000;

const HOST = hostname();
let sequence = 0;

/** How long one wait for a busy lock lasts, in milliseconds. */
const WAIT_STEP_MILLIS = 0.25;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Takes the lock at `lockPath` (created with `O_CREAT | O_EXCL`, holding `pid thread host token`), waiting at most
 * `waitMillis` while another writer holds it: a rotation holds it for a few system calls, and waiting that long lets
 * this writer go on in the new file instead of adding to the one just rotated. A lock left by a dead process of this
 * host, or older than `STALE_LOCK_MILLIS`, is taken over. Returns the release function, or `undefined` when the lock
 * is still busy (the caller tries again on a later flush). Rotation is safe even without the lock (it only keeps
 * two writers from rotating twice at once). Throws only what creating the file throws besides `EEXIST`.
 */
export function lockSync(lockPath: string, waitMillis: number): (() => void) | undefined {
  for (let waited = 0; ; waited += WAIT_STEP_MILLIS) {
    const release = tryLockSync(lockPath);
    if (release !== undefined || waited >= waitMillis) return release;
    Atomics.wait(sleeper, 0, 0, WAIT_STEP_MILLIS);
  }
}

/** Like `lockSync`, without waiting; a lock not refreshed for `staleMillis` is taken over. */
export function tryLockSync(
  lockPath: string, staleMillis = STALE_LOCK_MILLIS, content = `${process.pid} ${threadId} ${HOST} ${Date.now()}-${++sequence}\n`,
): (() => void) | undefined {
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockPath, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (attempt > 0 || !removeStale(lockPath, staleMillis)) return undefined;
      continue;
    }
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
    return () => release(lockPath, content);
  }
  return undefined;
}

/** Whether the lock at `lockPath` was left by a dead process of this host or was not refreshed for `staleMillis`. */
export function isStale(lockPath: string, staleMillis = STALE_LOCK_MILLIS): boolean {
  const holder = readHolder(lockPath);
  return holder !== undefined && isStaleHolder(holder, staleMillis);
}

interface Holder { readonly ino: number; readonly mtimeMs: number; readonly text: string }

function readHolder(lockPath: string): Holder | undefined {
  try {
    const { ino, mtimeMs } = statSync(lockPath);
    return { ino, mtimeMs, text: readFileSync(lockPath, 'utf8') };
  } catch {
    return undefined; // gone already: the next attempt will simply create it
  }
}

function isStaleHolder({ mtimeMs, text }: Holder, staleMillis: number): boolean {
  if (Date.now() - mtimeMs > staleMillis) return true;
  // A holder writes its content right after creating the file: an empty or partial one is a live holder at work.
  const [pid, , host] = text.split(' ');
  const holder = Number(pid);
  return host === HOST && Number.isInteger(holder) && holder > 0 && !isAlive(holder);
}

/**
 * Removes the lock at `lockPath` if it is stale; returns whether the caller may now try to create it. Several
 * processes may find the same stale lock at once, and a plain check-then-unlink would let a late one delete the lock
 * an early one has just created: so only the process that creates the takeover guard `<lock>.takeover-<id>` (with
 * `O_EXCL`, `<id>` naming this very holder: inode and content) may remove it, after checking under the guard that the
 * lock is still that holder's. Whoever then creates the lock with `O_EXCL` holds it, and only one can.
 */
function removeStale(lockPath: string, staleMillis: number): boolean {
  const holder = readHolder(lockPath);
  if (holder === undefined) return true;
  if (!isStaleHolder(holder, staleMillis)) return false;
  const id = createHash('sha256').update(`${holder.ino}\n${holder.text}`).digest('hex').slice(0, 16);
  const guard = `${lockPath}.takeover-${id}`;
  try {
    closeSync(openSync(guard, 'wx'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another process is taking this holder over. Its guard lives for a few system calls: one older than the stale
    // time belongs to a taker that died midway, and is removed so that the next attempt can go on.
    const taker = readHolder(guard);
    if (taker !== undefined && Date.now() - taker.mtimeMs > staleMillis) removeQuietly(guard);
    return false;
  }
  try {
    const now = readHolder(lockPath);
    if (now === undefined) return true;
    if (now.ino !== holder.ino || now.text !== holder.text) return false; // taken over already: a new holder's lock
    removeQuietly(lockPath);
    return true;
  } finally {
    removeQuietly(guard);
  }
}

/** Whether process `pid` of this host exists (a process of another user counts as alive). */
export function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock at `lockPath` as a lease for a long holder (a cleanup run, the OTLP shipper): its modification time
 * is refreshed every `staleMillis / 2` by an unref'd timer, so only a dead or frozen holder's lease goes stale. Returns
 * the release function, or `undefined` when a live holder has it. When the lease is found taken over (this process was
 * frozen past `staleMillis`), refreshing stops and `onLost` is called once.
 */
export function acquireLease(lockPath: string, staleMillis: number, onLost: (error: Error) => void): (() => void) | undefined {
  const content = `${process.pid} ${threadId} ${HOST} ${Date.now()}-${++sequence}\n`;
  const release = tryLockSync(lockPath, staleMillis, content);
  if (release === undefined) return undefined;
  const timer = setInterval(() => {
    try {
      if (readFileSync(lockPath, 'utf8') !== content) throw new Error('another process took it over');
      const now = new Date();
      utimesSync(lockPath, now, now);
    } catch (error) {
      clearInterval(timer);
      onLost(new Error(`perflog: lost the lock ${lockPath}: ${(error as Error).message}`));
    }
  }, staleMillis / 2).unref();
  return () => {
    clearInterval(timer);
    release();
  };
}

function release(lockPath: string, content: string): void {
  try {
    // Taken over as stale while we held it (we were frozen for the stale time): the lock is no longer ours.
    if (readFileSync(lockPath, 'utf8') !== content) return;
  } catch {
    return;
  }
  removeQuietly(lockPath);
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already removed by another writer
  }
}
