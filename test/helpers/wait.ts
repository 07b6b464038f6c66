/**
 * Waiting in tests: for a condition to hold (a wait with a deadline, never a timing assertion), or for a while.
 */

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `condition()` holds, looking again every 25 ms; rejects after `timeoutMs` so a test fails, not hangs. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(25);
  }
}

/** The whole numbers from `from` up to, not including, `to`. */
export const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, k) => from + k);
