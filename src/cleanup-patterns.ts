/**
 * The cleaner's glob patterns, compiled once: which files they match and which folders a walk must enter to find
 * them. Matching follows fast-glob's rules as the rest of perflog uses them (`dot: false`, `**` never enters a dot
 * folder), so `perflog stats` and the cleaner agree on what a pattern means.
 */
import picomatch from 'picomatch';

const OPTIONS: picomatch.PicomatchOptions = { dot: false };

interface CompiledPattern {
  readonly matches: (rel: string) => boolean;
  /** One matcher per folder segment; `undefined` from the first `**` (or a brace spanning folders) on. */
  readonly folders: ReadonlyArray<((segment: string) => boolean) | undefined>;
  /** How many leading segments are plain names (no glob): folders a configuration names outright. */
  readonly literalDepth: number;
  readonly segments: readonly string[];
}

/** A list of patterns relative to the base directory (checked when the config was built: no `..`, not absolute). */
export class CleanupPatterns {
  readonly #patterns: readonly CompiledPattern[];

  constructor(patterns: readonly string[]) {
    this.#patterns = patterns.map(compile);
  }

  /** Whether a file at `rel` (relative, `/`-separated) is matched by any pattern. */
  matchesFile(rel: string): boolean {
    for (const pattern of this.#patterns) if (pattern.matches(rel)) return true;
    return false;
  }

  /** Whether some pattern may match a file below the folder `segments` (relative to the base). */
  mayMatchBelow(segments: readonly string[]): boolean {
    return this.#patterns.some((pattern) => mayMatchBelow(pattern, segments));
  }

  /**
   * Whether the folder `segments` is named outright by a pattern (`logs` in `logs/*.log`), as opposed to reached
   * through a glob. A symlink there is listed (its matches are counted and skipped, never deleted), as fast-glob
   * lists a pattern's base folder; a symlink reached through a glob is not entered at all.
   */
  isNamedFolder(segments: readonly string[]): boolean {
    return this.#patterns.some((pattern) => segments.length <= pattern.literalDepth
      && segments.every((segment, i) => pattern.segments[i] === segment));
  }
}

function compile(pattern: string): CompiledPattern {
  const normalized = pattern.replace(/^(\.\/)+/, '');
  const segments = normalized.split('/');
  const folders: Array<((segment: string) => boolean) | undefined> = [];
  let deep = false;
  let literalDepth = 0;
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i]!;
    const isGlob = picomatch.scan(segment).isGlob;
    if (!isGlob && literalDepth === i) literalDepth++;
    // a brace with a slash inside ({a,b/c}) was split across segments: from there on, enter every folder
    deep ||= segment === '**' || hasOpenBrace(segment);
    folders.push(deep ? undefined : isGlob ? picomatch(segment, OPTIONS) : (name) => name === segment);
  }
  return { matches: picomatch(normalized, OPTIONS), folders, literalDepth, segments };
}

function mayMatchBelow(pattern: CompiledPattern, segments: readonly string[]): boolean {
  for (let i = 0; i < segments.length; i++) {
    if (i >= pattern.folders.length) return false; // the pattern's file segment cannot be a folder with more below
    const folder = pattern.folders[i];
    if (folder === undefined) return segments.slice(i).every((segment) => !segment.startsWith('.'));
    if (!folder(segments[i]!)) return false;
  }
  return true;
}

function hasOpenBrace(segment: string): boolean {
  let depth = 0;
  for (const char of segment) {
    if (char === '{') depth++;
    else if (char === '}') depth--;
  }
  return depth > 0;
}
