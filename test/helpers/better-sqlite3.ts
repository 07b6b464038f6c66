/**
 * npm builds better-sqlite3 (under SqliteSaver) against the system Node's headers at install time, while the tests
 * run on the Node 24 of the `node` devDependency. This rebuilds it once for the running Node, with that Node's own
 * headers (shipped in its npm package), so a fresh `npm ci && npm test` works offline.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/**
 * Whether the module was built by `ensureBetterSqlite3()` for this very Node. A build made at install time against
 * another Node's headers can load and then crash the process (seen: an assertion in a Statement destructor), so
 * loading alone proves nothing. npm runs no install script of better-sqlite3 here (`allowScripts`), but older npm
 * versions do.
 */
function isBuiltForThisNode(packageDir: string): boolean {
  try {
    return readFileSync(join(packageDir, 'build', STAMP), 'utf8') === process.version && loads();
  } catch {
    return false;
  }
}

/** The file recording which Node `ensureBetterSqlite3()` built the module for. */
const STAMP = 'perflog-built-for-node';

function loads(): boolean {
  const script = "const D = require('better-sqlite3'); new D(':memory:').close();";
  try {
    execFileSync(process.execPath, ['-e', script], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Headers of the running Node: its install, or the platform package the `node` npm package unpacked. */
function nodeDir(): string | undefined {
  const bin = dirname(process.execPath);
  const candidates = [dirname(bin), join(bin, '..', 'node_modules', `node-${process.platform}-${process.arch}`)];
  return candidates.find((dir) => existsSync(join(dir, 'include', 'node', 'node_version.h')));
}

/** Makes `better-sqlite3` loadable by the running Node, rebuilding it from source when it is not (minutes, once). */
export async function ensureBetterSqlite3(): Promise<void> {
  const packageDir = dirname(require.resolve('better-sqlite3/package.json', { paths: [require.resolve('@langchain/langgraph-checkpoint-sqlite')] }));
  if (isBuiltForThisNode(packageDir)) return;
  const gyp = process.env['npm_config_node_gyp'] ?? join(dirname(process.env['npm_execpath'] ?? '/usr/lib/node_modules/npm/bin/npm-cli.js'), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  const dir = nodeDir();
  await run(process.execPath, [gyp, 'rebuild', '--release', '--jobs=max', ...(dir === undefined ? [] : [`--nodedir=${dir}`])], {
    cwd: packageDir, env: { ...process.env, npm_config_nodedir: dir ?? '' }, maxBuffer: 64 * 1024 * 1024,
  });
  writeFileSync(join(packageDir, 'build', STAMP), process.version);
  if (!loads()) throw new Error(`better-sqlite3 still does not load in Node ${process.version} after a rebuild`);
}
