/**
 * The descriptors the file exporters of one thread may hold open at once, shared by every owner of files in the
 * thread (each factory, each `PerflogFileLogRecordExporter`): the budget is the thread's, the files are their owners'.
 */

/**
 * Descriptors the exporters of one thread hold open at most: the least recently written file's is closed first and
 * reopened at its next flush, so an app with thousands of modules never runs out of descriptors because of perflog.
 * The cap holds per thread however many factories the thread has, as the descriptor limit it guards is the process's.
 */
export const MAX_OPEN_FILES = 32;

/** A file that holds a descriptor the budget may ask it to give back. */
export interface DescriptorHolder {
  /** Closes the descriptor now; the holder reopens its file at its next write. */
  releaseDescriptor(): void;
}

/**
 * @internal A least-recently-written list of the descriptors held in this thread, capped at `MAX_OPEN_FILES`.
 * Called once per flush, never per record.
 */
export class DescriptorBudget {
  /** The holders of a descriptor, least recently written first. */
  readonly #holders = new Set<DescriptorHolder>();
  /** The last of `#holders` (the most recently written), so a run of writes to one file reorders nothing. */
  #mostRecent: DescriptorHolder | undefined;
  readonly #max: number;

  constructor(max = MAX_OPEN_FILES) {
    this.#max = max;
  }

  /** How many descriptors are held now. */
  get size(): number {
    return this.#holders.size;
  }

  /** Before `holder` opens a descriptor: makes room by asking the least recently written holder to close its own. */
  reserve(): void {
    if (this.#holders.size < this.#max) return;
    const oldest = this.#holders.values().next().value;
    oldest?.releaseDescriptor();
  }

  /** `holder` opened a descriptor or wrote through the one it holds: it becomes the most recently written. */
  use(holder: DescriptorHolder): void {
    if (this.#mostRecent === holder) return;
    this.#holders.delete(holder);
    this.#holders.add(holder);
    this.#mostRecent = holder;
  }

  /** `holder` closed its descriptor. */
  release(holder: DescriptorHolder): void {
    this.#holders.delete(holder);
    if (this.#mostRecent === holder) this.#mostRecent = undefined;
  }
}

/** The budget of this thread (module state is per thread: each worker has its own). */
export const threadDescriptors = new DescriptorBudget();
