/**
 * The names perflog gives files: a module's active file and the bounds that keep every name derived from it (rotated,
 * staging, lock) within the file system's limit of 255 bytes per name (NAME_MAX on Linux, macOS and Windows).
 */
import { createHash } from 'node:crypto';

/**
 * The longest active file name, in UTF-8 bytes. Every name derived from it stays within 255 bytes: rotated
 * (`+ .2026-11-25T13.001`, 18 and more), staging (`. + .rotating-<pid>-<thread>-<n>`, at most 48), lock (`. + .lock`)
 * and a lock takeover (`. + .lock.takeover-<16 hex>`, 32).
 */
export const MAX_ACTIVE_NAME_BYTES = 200;
/** The longest `file.fileName`, in UTF-8 bytes, not counting `{module}`. */
export const MAX_FILE_NAME_TEMPLATE_BYTES = 128;
/** How many times `{module}` may appear in `file.fileName`. */
export const MAX_MODULE_PLACEHOLDERS = 4;
/** A module cut to fit keeps this many hex digits of its name's SHA-256 (64 bits: no collision in practice). */
const HASH_DIGITS = 16;

/**
 * A module name as it may appear in a file name: anything but letters, digits, `.`, `_` and `-` becomes `_`, and a
 * leading dot is escaped, so no module can name a path outside the log directory or a hidden file.
 */
function fileSafe(module: string): string {
  const safe = module.replace(/[^\w.-]/g, '_');
  return safe === '' || safe.startsWith('.') ? `_${safe}` : safe;
}

/**
 * The active file name of `module` under the `file.fileName` template: `{module}` replaced by `fileSafe(module)`.
 * When that would pass `MAX_ACTIVE_NAME_BYTES`, the module part is cut and ends in `-` and 16 hex digits of the
 * SHA-256 of the module name, so the name is the same in every process and differs between modules that share a
 * long prefix. The template must pass `isFileNameTemplate`.
 */
export function activeFileName(template: string, module: string): string {
  const safe = fileSafe(module);
  const name = template.replaceAll('{module}', safe);
  if (Buffer.byteLength(name) <= MAX_ACTIVE_NAME_BYTES) return name;
  const placeholders = template.split('{module}').length - 1;
  const room = Math.floor((MAX_ACTIVE_NAME_BYTES - Buffer.byteLength(template.replaceAll('{module}', ''))) / placeholders);
  const hash = createHash('sha256').update(module).digest('hex').slice(0, HASH_DIGITS);
  // `safe` is ASCII, so characters are bytes
  return template.replaceAll('{module}', `${safe.slice(0, Math.max(0, room - HASH_DIGITS - 1))}-${hash}`);
}

/**
 * Whether `template` is a valid `file.fileName`: no directory part, at most `MAX_FILE_NAME_TEMPLATE_BYTES` bytes
 * besides `{module}`, which appears at most `MAX_MODULE_PLACEHOLDERS` times.
 */
export function isFileNameTemplate(template: unknown): boolean {
  if (typeof template !== 'string' || template === '' || /[/\\\0]/.test(template) || template === '.' || template === '..') return false;
  const parts = template.split('{module}');
  return parts.length - 1 <= MAX_MODULE_PLACEHOLDERS && Buffer.byteLength(parts.join('')) <= MAX_FILE_NAME_TEMPLATE_BYTES;
}
