/**
 * A monitor type's own record fields, compiled once (as pino serializes a child logger's bindings once): the names,
 * their prebuilt `,"name":` prefixes and the names an attribute may not take.
 */
import { numberText } from './number-text.js';
import { encodeString, reservedFields } from './record-encoder.js';
import type { ReservedFields } from './record-encoder.js';

/** A module field's value; `undefined` leaves the field out. */
export type FieldValue = string | number | boolean | undefined;

/**
 * Encodes the values of one monitor type's fields, in the order of `names`. Each slot remembers its last value and
 * encoding: calls repeat the same few models, tools and nodes, and often the same counts (a zero of cached tokens),
 * so most skip the escaping and the number's text, and the line reuses one string instead of making a new one.
 */
export class FieldEncoder {
  /** The fields, in the order they are written. */
  readonly names: readonly string[];
  /** Base fields plus these: an attribute of a record written with this encoder may not take these names. */
  readonly reserved: ReservedFields;
  readonly #prefixes: readonly string[];
  readonly #lastText: Array<string | undefined>;
  readonly #lastNumber: number[];
  readonly #lastJson: string[];

  constructor(names: readonly string[]) {
    this.names = Object.freeze([...names]);
    this.reserved = reservedFields(names);
    this.#prefixes = names.map((name) => `,${encodeString(name)}:`);
    this.#lastText = names.map(() => undefined);
    this.#lastNumber = names.map(() => Number.NaN);
    this.#lastJson = names.map(() => '');
  }

  /** `,"name":value` for each value that is not `undefined`; `values[i]` belongs to `names[i]`. */
  encode(values: readonly FieldValue[]): string {
    let out = '';
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value === undefined) continue;
      if (typeof value === 'number') {
        if (value === this.#lastNumber[i]) {
          out += this.#lastJson[i]!;
        } else {
          const json = this.#prefixes[i]! + numberText(value);
          this.#lastNumber[i] = value;
          this.#lastText[i] = undefined;
          this.#lastJson[i] = json;
          out += json;
        }
      } else if (typeof value !== 'string') {
        out += this.#prefixes[i]! + value;
      } else if (value === this.#lastText[i]) {
        out += this.#lastJson[i]!;
      } else {
        const json = this.#prefixes[i]! + encodeString(value);
        this.#lastText[i] = value;
        this.#lastNumber[i] = Number.NaN;
        this.#lastJson[i] = json;
        out += json;
      }
    }
    return out;
  }
}

/** The encoder of records without module fields (`logTimer`, `time()`, custom monitors). */
export const NO_FIELDS = new FieldEncoder([]);

