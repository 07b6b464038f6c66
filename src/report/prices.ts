/**
 * Model prices for cost figures. None are built in: the user gives them (`--prices prices.json`), as a map of model
 * name to USD per million tokens: `{ "gpt-4o": { "input": 2.5, "cachedInput": 1.25, "output": 10 } }`.
 * `cachedInput` defaults to `input`. Cost = (prompt - cached) x input + cached x cachedInput + completion x output.
 */

/** USD per million tokens of one model. */
export interface ModelPrice {
  readonly input: number;
  readonly cachedInput: number;
  readonly output: number;
}

/** Model name -> price. */
export type Prices = ReadonlyMap<string, ModelPrice>;

/** Checks a parsed prices file; throws an `Error` naming the first bad key. */
export function parsePrices(value: unknown): Prices {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('must be a JSON object of model name to { "input", "cachedInput"?, "output" } (USD per million tokens)');
  }
  const prices = new Map<string, ModelPrice>();
  for (const [model, price] of Object.entries(value)) {
    const entry = (typeof price === 'object' && price !== null ? price : {}) as Record<string, unknown>;
    const number = (key: string, fallback?: number): number => {
      const field = entry[key] ?? fallback;
      if (typeof field !== 'number' || !Number.isFinite(field) || field < 0) {
        throw new Error(`${JSON.stringify(model)}.${key} must be a number >= 0 (USD per million tokens)`);
      }
      return field;
    };
    const unknown = Object.keys(entry).find((key) => !['input', 'cachedInput', 'output'].includes(key));
    if (unknown !== undefined) throw new Error(`${JSON.stringify(model)}.${unknown} is not a price field (input, cachedInput, output)`);
    const input = number('input');
    prices.set(model, Object.freeze({ input, cachedInput: number('cachedInput', input), output: number('output') }));
  }
  return prices;
}

/** Cost in USD of token totals at `price`. */
export function costOf(price: ModelPrice, prompt: number, cached: number, completion: number): number {
  return ((prompt - cached) * price.input + cached * price.cachedInput + completion * price.output) / 1e6;
}
