/**
 * A local fake LLM server for tests, the demo and benchmarks: `http.createServer` on 127.0.0.1, port 0, speaking
 * OpenAI chat completions (`/v1/chat/completions`, tool calls, `stream_options.include_usage`), the OpenAI Responses
 * API (`/v1/responses`) and Anthropic messages (`/v1/messages`), streaming with real SSE framing. Each request's
 * behaviour (text, usage, delays, HTTP errors, a connection cut mid-stream, an error event inside a 200 stream) comes
 * from `behaviour`, fixed or chosen per request.
 * @example
 * const server = await startFakeLlmServer({ behaviour: { text: 'hi', chunkDelayMs: 5 } });
 * const client = new OpenAI({ apiKey: 'test', baseURL: server.openaiBaseURL });
 * await server.close();
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SseEvent } from './fake-llm-formats.js';
import {
  anthropicBody, anthropicEvents, chatBody, chatEvents, errorBody, responsesBody, responsesEvents,
} from './fake-llm-formats.js';

/** What the server does for one request. */
export interface FakeBehaviour {
  /** The completion text. @default 'Hello from the fake model.' */
  text?: string;
  /** How many output chunks the text is streamed in. @default 3 */
  chunks?: number;
  /** Answer with one tool call instead of text. */
  toolCall?: { name: string; arguments: string };
  /** Token usage reported; `false` reports none. @default { prompt: 11, completion: 7 } */
  usage?: { prompt: number; completion: number; cached?: number; reasoning?: number } | false;
  /** Milliseconds before the response headers. @default 0 */
  delayMs?: number;
  /** Milliseconds between two streamed events. @default 0 */
  chunkDelayMs?: number;
  /** Answer with this HTTP error status (429, 500, ...) and the provider's error body. */
  status?: number;
  /** Cut the connection after this many streamed events (without ending the response). */
  cutAfterEvents?: number;
  /** End a 200 stream with an error event of this type/code (chat: an `error` payload; Responses: `response.failed`; Anthropic: `error`). */
  streamError?: string;
  /** Keep streaming events forever (for abort and early-exit tests), each after `chunkDelayMs`. */
  endless?: boolean;
}

/** A request as the server saw it. */
export interface FakeRequest {
  api: 'chat' | 'responses' | 'anthropic';
  /** The parsed JSON body. */
  body: Record<string, unknown>;
  /** 0 for the first request the server received. */
  index: number;
}

/** Options of `startFakeLlmServer`. */
export interface FakeLlmServerOptions {
  /** The behaviour of every request, or a function choosing it per request. @default {} */
  behaviour?: FakeBehaviour | ((request: FakeRequest) => FakeBehaviour);
}

/** A running fake server. */
export interface FakeLlmServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `baseURL` for the OpenAI SDK (`<url>/v1`). */
  readonly openaiBaseURL: string;
  /** `baseURL` for the Anthropic SDK (`<url>`). */
  readonly anthropicBaseURL: string;
  /** How many requests arrived so far. */
  readonly requests: number;
  /** Every request received, in order. */
  readonly received: readonly FakeRequest[];
  /** How many responses were closed by the client before they ended (aborts, early exits). */
  readonly clientClosed: number;
  /** Replaces the behaviour for the next requests. */
  setBehaviour(behaviour: FakeBehaviour | ((request: FakeRequest) => FakeBehaviour)): void;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

const ROUTES: Record<string, FakeRequest['api']> = { '/v1/chat/completions': 'chat', '/v1/responses': 'responses', '/v1/messages': 'anthropic' };

/** Starts a fake LLM server on 127.0.0.1, port 0. */
export async function startFakeLlmServer(options: FakeLlmServerOptions = {}): Promise<FakeLlmServer> {
  let behaviour = options.behaviour ?? {};
  const received: FakeRequest[] = [];
  let clientClosed = 0;
  const server = createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const api = ROUTES[(req.url ?? '').split('?')[0] ?? ''];
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (api === undefined || req.method !== 'POST') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    const request: FakeRequest = { api, body, index: received.length };
    received.push(request);
    const b = typeof behaviour === 'function' ? behaviour(request) : behaviour;
    let isClosed = false;
    res.on('close', () => {
      if (!res.writableFinished) {
        isClosed = true;
        clientClosed++;
      }
    });
    if (b.delayMs !== undefined && b.delayMs > 0) await sleep(b.delayMs);
    if (isClosed) return;
    const headers = { 'x-request-id': `req_${request.index}`, 'request-id': `req_${request.index}` };
    if (b.status !== undefined && b.status >= 400) {
      res.writeHead(b.status, { ...headers, 'content-type': 'application/json', 'retry-after-ms': '1' }).end(JSON.stringify(errorBody(api, b.status)));
      return;
    }
    const model = typeof body['model'] === 'string' ? body['model'] : 'fake-model';
    if (body['stream'] !== true) {
      const json = api === 'chat' ? chatBody(b, model) : api === 'responses' ? responsesBody(b, model) : anthropicBody(b, model);
      res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(json));
      return;
    }
    const includeUsage = (body['stream_options'] as { include_usage?: unknown } | undefined)?.include_usage === true;
    let events = api === 'chat' ? chatEvents(b, model, includeUsage) : api === 'responses' ? responsesEvents(b, model) : anthropicEvents(b, model);
    if (api === 'chat' && b.streamError !== undefined) {
      events = [...events.slice(0, -3), { data: { error: { message: 'The model failed.', type: b.streamError, code: b.streamError } } }];
    }
    res.writeHead(200, { ...headers, 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    let sent = 0;
    // endless: after the opening events, the first output event again and again
    const firstOutput = api === 'chat' ? 1 : 3;
    const next = (i: number): SseEvent | undefined => (b.endless === true ? events[Math.min(i, firstOutput)] : events[i]);
    for (let event = next(0); event !== undefined && !isClosed; event = next(sent)) {
      if (b.cutAfterEvents !== undefined && sent >= b.cutAfterEvents) {
        res.socket?.destroy();
        return;
      }
      if (b.chunkDelayMs !== undefined && b.chunkDelayMs > 0 && sent > 0) await sleep(b.chunkDelayMs);
      else if (b.endless === true) await sleep(1);
      if (isClosed) return;
      res.write(frame(event));
      sent++;
    }
    if (!isClosed) res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: url,
    get requests() { return received.length; },
    received,
    get clientClosed() { return clientClosed; },
    setBehaviour(next) { behaviour = next; },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** One SSE frame: `event:` line when named, one `data:` line, a blank line. */
function frame(event: SseEvent): string {
  const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
  return `${event.event !== undefined ? `event: ${event.event}\n` : ''}data: ${data}\n\n`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
