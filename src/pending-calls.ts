/**
 * The calls adapters have started and not yet recorded, for `flush()` / `shutdown()` to settle. Not a `Set`: adding a
 * fresh object to one gives it an identity hash first, which costs more than the rest of an adapter's bookkeeping
 * (about 0.2 µs in a tight loop, microseconds between an SDK's work); each call keeps its own slot instead.
 */

/**
 * @internal A call an adapter has started and not yet recorded (a stream still open, a response not yet parsed).
 * `settle` records it now if it is idle (nobody is waiting on it) or, with `isShutdown`, whatever its state.
 */
export interface PendingCall {
  settle(isShutdown: boolean): void;
  /** The call's index in its `PendingCalls`, -1 while it is in none; only `PendingCalls` sets it. */
  pendingSlot: number;
}

/**
 * @internal The pending calls of one factory: add, delete and snapshot, without hashing. The array never shrinks (a
 * freed slot holds `undefined`): an app with one call in flight at a time would otherwise grow and trim its storage
 * on every call, each a trip into the engine's runtime.
 */
export class PendingCalls {
  readonly #calls: Array<PendingCall | undefined> = [];
  #size = 0;

  /** Tracks `call` (a call already tracked is left where it is). */
  add(call: PendingCall): void {
    if (call.pendingSlot !== -1) return;
    const slot = this.#size++;
    call.pendingSlot = slot;
    this.#calls[slot] = call;
  }

  /** Stops tracking `call`; a call this list does not hold is ignored. */
  delete(call: PendingCall): void {
    const slot = call.pendingSlot;
    if (slot < 0 || slot >= this.#size || this.#calls[slot] !== call) return;
    const lastSlot = --this.#size;
    const last = this.#calls[lastSlot]!;
    this.#calls[lastSlot] = undefined;
    if (last !== call) {
      this.#calls[slot] = last;
      last.pendingSlot = slot;
    }
    call.pendingSlot = -1;
  }

  /** The calls tracked now, in a new array (settling one deletes it from this list). */
  snapshot(): PendingCall[] {
    return this.#calls.slice(0, this.#size) as PendingCall[];
  }
}
