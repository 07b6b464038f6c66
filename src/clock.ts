/**
 * The adapters' clock: milliseconds on the monotonic clock, the one `performance.now()` reads, from another origin.
 * `process.hrtime()` costs less than `performance.now()` where an app's calls leave perflog's code out of the CPU's
 * caches: `performance.now()` first checks its receiver and goes through more of Node's code. With the clients' calls
 * interleaved (a scratch variant of bench/llm), an adapter call's two reads cost 0.04-0.85 µs less this way in three
 * runs; with each client's calls in a block, no difference showed.
 */
export function monotonicMs(): number {
  const time = process.hrtime();
  return time[0] * 1e3 + time[1] / 1e6;
}
