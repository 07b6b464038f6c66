/**
 * A real OTLP/HTTP logs receiver for tests: `http.createServer` on 127.0.0.1, port 0, decoding JSON
 * (`application/json`) and protobuf (`application/x-protobuf`) export requests, gzip or not.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

/** One received log record, flattened with its resource and scope. */
export interface ReceivedRecord {
  resource: Record<string, Value>;
  scope: string;
  timeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body: Value;
  attributes: Record<string, Value>;
  traceId: string;
  spanId: string;
}

/**
 * What to do with a request: answer with a status, never answer, cut the connection, or keep the records, send 200
 * and then the body one byte every 100 ms, never ending it (`trickle`).
 */
export type Behaviour = number | 'hang' | 'destroy' | 'trickle';

export interface Receiver {
  readonly url: string;
  readonly port: number;
  readonly records: ReceivedRecord[];
  readonly requests: { count: number; contentTypes: string[]; statuses: number[] };
  /** Decides the answer to each request (default: 200 and keep the records). */
  behaviour: (requestNumber: number) => Behaviour;
  /** Stops listening (and cuts open connections): the collector is down. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const sockets = new Set<Socket>();
  let server: Server;
  const receiver = {
    url: '', port: 0, records: [] as ReceivedRecord[], requests: { count: 0, contentTypes: [] as string[], statuses: [] as number[] },
    behaviour: (() => 200) as (requestNumber: number) => Behaviour,
    async stop(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async restart(): Promise<void> {
      server = makeServer();
      await new Promise<void>((resolve) => server.listen(receiver.port, '127.0.0.1', resolve));
    },
  };
  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const number = ++receiver.requests.count;
    const behaviour = receiver.behaviour(number);
    if (behaviour === 'hang') return;
    if (behaviour === 'destroy') return void req.socket.destroy();
    const status = behaviour === 'trickle' ? 200 : behaviour;
    receiver.requests.statuses.push(status);
    const type = req.headers['content-type'] ?? '';
    receiver.requests.contentTypes.push(type);
    if (status >= 200 && status < 300) {
      const data = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
      receiver.records.push(...(type.includes('protobuf') ? decodeProtobuf(data) : decodeJson(data)));
    }
    res.writeHead(status, { 'content-type': type.includes('protobuf') ? 'application/x-protobuf' : 'application/json' });
    if (behaviour === 'trickle') {
      const timer = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(timer));
      return;
    }
    res.end(type.includes('protobuf') ? undefined : '{}');
  };
  const makeServer = (): Server => {
    const made = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => handle(req, res, Buffer.concat(chunks)));
    });
    made.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    return made;
  };
  server = makeServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}/v1/logs`;
  return receiver;
}

// ---- OTLP JSON ----

type JsonAnyValue = { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean;
  arrayValue?: { values?: JsonAnyValue[] }; kvlistValue?: { values?: JsonKeyValue[] } };
type JsonKeyValue = { key: string; value?: JsonAnyValue };

function jsonValue(value: JsonAnyValue | undefined): Value {
  if (value === undefined) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(jsonValue);
  if (value.kvlistValue !== undefined) return jsonAttributes(value.kvlistValue.values);
  return null;
}

function jsonAttributes(list: JsonKeyValue[] | undefined): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const { key, value } of list ?? []) out[key] = jsonValue(value);
  return out;
}

export function decodeJson(data: Buffer): ReceivedRecord[] {
  type Request = { resourceLogs?: { resource?: { attributes?: JsonKeyValue[] }; scopeLogs?: { scope?: { name?: string };
    logRecords?: { timeUnixNano?: string | number; severityNumber?: number; severityText?: string; body?: JsonAnyValue;
      attributes?: JsonKeyValue[]; traceId?: string; spanId?: string }[] }[] }[] };
  const request = JSON.parse(data.toString('utf8')) as Request;
  const out: ReceivedRecord[] = [];
  for (const resourceLogs of request.resourceLogs ?? []) {
    const resource = jsonAttributes(resourceLogs.resource?.attributes);
    for (const scopeLogs of resourceLogs.scopeLogs ?? []) {
      for (const record of scopeLogs.logRecords ?? []) {
        out.push({
          resource, scope: scopeLogs.scope?.name ?? '', timeUnixNano: BigInt(record.timeUnixNano ?? 0),
          severityNumber: record.severityNumber ?? 0, severityText: record.severityText ?? '', body: jsonValue(record.body),
          attributes: jsonAttributes(record.attributes), traceId: record.traceId ?? '', spanId: record.spanId ?? '',
        });
      }
    }
  }
  return out;
}

// ---- OTLP protobuf (opentelemetry/proto/collector/logs/v1) ----

type Field = { num: number; wire: number; int: bigint; bytes: Buffer };

/** Splits one protobuf message into its fields (varints as `int`, everything else as `bytes`). */
function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = buf[pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
  };
  const empty = Buffer.alloc(0);
  while (pos < buf.length) {
    const tag = Number(varint());
    const num = tag >>> 3;
    const wire = tag & 7;
    if (wire === 0) {
      out.push({ num, wire, int: varint(), bytes: empty });
      continue;
    }
    const length = wire === 1 ? 8 : wire === 5 ? 4 : wire === 2 ? Number(varint()) : -1;
    if (length < 0) throw new Error(`unsupported wire type ${wire}`);
    out.push({ num, wire, int: 0n, bytes: buf.subarray(pos, pos + length) });
    pos += length;
  }
  return out;
}

function anyValue(buf: Buffer): Value {
  for (const f of fields(buf)) {
    switch (f.num) {
      case 1: return f.bytes.toString('utf8');
      case 2: return f.int !== 0n;
      case 3: return Number(BigInt.asIntN(64, f.int));
      case 4: return f.bytes.readDoubleLE(0);
      case 5: return fields(f.bytes).filter((v) => v.num === 1).map((v) => anyValue(v.bytes));
      case 6: return keyValues(fields(f.bytes).filter((v) => v.num === 1).map((v) => v.bytes));
      default: break;
    }
  }
  return null;
}

function keyValues(list: Buffer[]): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const kv of list) {
    let key = '';
    let value: Value = null;
    for (const f of fields(kv)) {
      if (f.num === 1) key = f.bytes.toString('utf8');
      else if (f.num === 2) value = anyValue(f.bytes);
    }
    out[key] = value;
  }
  return out;
}

export function decodeProtobuf(data: Buffer): ReceivedRecord[] {
  const out: ReceivedRecord[] = [];
  for (const resourceLogs of fields(data).filter((f) => f.num === 1)) {
    const parts = fields(resourceLogs.bytes);
    const resourceField = parts.find((f) => f.num === 1);
    const resource = resourceField === undefined ? {} : keyValues(fields(resourceField.bytes).filter((f) => f.num === 1).map((f) => f.bytes));
    for (const scopeLogs of parts.filter((f) => f.num === 2)) {
      const scopeParts = fields(scopeLogs.bytes);
      const scopeField = scopeParts.find((f) => f.num === 1);
      const scope = scopeField === undefined ? '' : (fields(scopeField.bytes).find((f) => f.num === 1)?.bytes.toString('utf8') ?? '');
      for (const recordField of scopeParts.filter((f) => f.num === 2)) {
        const record: ReceivedRecord = {
          resource, scope, timeUnixNano: 0n, severityNumber: 0, severityText: '', body: null, attributes: {}, traceId: '', spanId: '',
        };
        const attributes: Buffer[] = [];
        for (const f of fields(recordField.bytes)) {
          if (f.num === 1) record.timeUnixNano = f.bytes.readBigUInt64LE(0);
          else if (f.num === 2) record.severityNumber = Number(f.int);
          else if (f.num === 3) record.severityText = f.bytes.toString('utf8');
          else if (f.num === 5) record.body = anyValue(f.bytes);
          else if (f.num === 6) attributes.push(f.bytes);
          else if (f.num === 9) record.traceId = f.bytes.toString('hex');
          else if (f.num === 10) record.spanId = f.bytes.toString('hex');
        }
        record.attributes = keyValues(attributes);
        out.push(record);
      }
    }
  }
  return out;
}
