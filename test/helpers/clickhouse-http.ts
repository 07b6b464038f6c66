/**
 * A small loopback server speaking ClickHouse's HTTP query interface in front of chDB: the real engine behind a thin
 * shim, for `@clickhouse/client`. It takes the query from the body (and the `query` URL parameter), binds
 * `param_<name>` values (sent in ClickHouse's escaped text form) server-side, answers in the `FORMAT` the client
 * appends (or `default_format`), checks Basic or `X-ClickHouse-User`/`X-ClickHouse-Key` credentials, and reports
 * errors as ClickHouse does: the exception text as the body, its code in `X-ClickHouse-Exception-Code`.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Session } from 'chdb';

/** A running shim. */
export interface ClickHouseShim {
  readonly url: string;
  /** Every query the engine ran, with its bound parameters (decoded). */
  readonly queries: { query: string; params: Record<string, string> }[];
  close(): Promise<void>;
}

const UNESCAPE: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', b: '\b', f: '\f', 0: '\0', a: '\x07', v: '\v' };

/** Starts the shim on 127.0.0.1, port 0; only `username`/`password` are let in. */
export async function startClickHouseShim(session: Session, credentials = { username: 'default', password: '' }): Promise<ClickHouseShim> {
  const queries: { query: string; params: Record<string, string> }[] = [];
  const server: Server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => fail(response, 500, String(error)));
  });
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/ping') { response.end('Ok.\n'); return; }
    const [user, password] = credentialsOf(request, url);
    if (user !== credentials.username || password !== credentials.password) {
      fail(response, 401, `Code: 516. DB::Exception: ${user}: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)`);
      return;
    }
    let query = `${url.searchParams.get('query') ?? ''}${Buffer.concat(chunks).toString('utf8')}`.trim();
    let format = url.searchParams.get('default_format') ?? 'TabSeparated';
    const clause = /\s+FORMAT\s+(\w+)\s*;?$/i.exec(query);
    if (clause !== null) { format = clause[1]!; query = query.slice(0, clause.index); }
    const params: Record<string, string> = {};
    for (const [key, value] of url.searchParams) {
      if (key.startsWith('param_')) params[key.slice('param_'.length)] = value.replace(/\\(.)/gs, (_, c: string) => UNESCAPE[c] ?? c);
    }
    queries.push({ query, params });
    try {
      const result = await session.queryBindAsync(query, params, { format });
      response.setHeader('X-ClickHouse-Format', format);
      response.setHeader('X-ClickHouse-Summary', JSON.stringify({ read_rows: String(result.rowsRead), read_bytes: String(result.bytesRead),
        written_rows: '0', written_bytes: '0', total_rows_to_read: '0', result_rows: '0', result_bytes: '0', elapsed_ns: '0' }));
      response.end(Buffer.from(result.bytes()));
    } catch (error) {
      const message = (error as Error).message;
      const code = /Code: (\d+)/.exec(message)?.[1];
      fail(response, code === '60' || code === '81' ? 404 : 500, message, code);
    }
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    queries,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function credentialsOf(request: IncomingMessage, url: URL): [string, string] {
  const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '');
  if (basic !== null) {
    const text = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = text.indexOf(':');
    return [text.slice(0, colon), text.slice(colon + 1)];
  }
  const header = (name: string): string | undefined => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return [header('x-clickhouse-user') ?? url.searchParams.get('user') ?? 'default',
    header('x-clickhouse-key') ?? url.searchParams.get('password') ?? ''];
}

function fail(response: ServerResponse, status: number, message: string, code = /Code: (\d+)/.exec(message)?.[1]): void {
  if (response.headersSent) { response.destroy(); return; }
  response.statusCode = status;
  if (code !== undefined) response.setHeader('X-ClickHouse-Exception-Code', code);
  response.end(`${message}\n`);
}
