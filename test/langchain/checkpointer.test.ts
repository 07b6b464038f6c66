import { expect } from 'chai';
import { MemorySaver } from '@langchain/langgraph';
import type { SerializerProtocol } from '@langchain/langgraph-checkpoint';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import { join } from 'node:path';
import { startFakeLlmServer } from '../../examples/support/fake-llm-server.js';
import type { FakeLlmServer } from '../../examples/support/fake-llm-server.js';
import { agentBehaviour, buildAgent } from '../../examples/support/langgraph-agent.js';
import { instrumentCheckpointer } from '../../src/langchain/index.js';
import { ensureBetterSqlite3 } from '../helpers/better-sqlite3.js';
import { records, useTempFactory } from '../helpers.js';

/** Wraps a saver's serializer to total the bytes it produced and read (what perflog must report). */
function countSerde(saver: { serde: SerializerProtocol }): { dumped: number[]; loaded: number[] } {
  const seen = { dumped: [] as number[], loaded: [] as number[] };
  const inner = saver.serde;
  const size = (data: Uint8Array | string) => (typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength);
  saver.serde = {
    dumpsTyped: async (data: unknown) => { const typed = await inner.dumpsTyped(data); seen.dumped.push(size(typed[1])); return typed; },
    loadsTyped: async (type: string, data: Uint8Array | string): Promise<unknown> => { seen.loaded.push(size(data)); return (await inner.loadsTyped(type, data)) as unknown; },
  };
  return seen;
}

describe('instrumentCheckpointer()', () => {
  const test = useTempFactory();
  let server: FakeLlmServer;
  before(async function () {
    this.timeout(900_000);
    await ensureBetterSqlite3();
    server = await startFakeLlmServer({ behaviour: agentBehaviour });
  });
  after(() => server.close());

  // Closed after each test: a better-sqlite3 statement left to the garbage collector at exit can abort the process.
  const databases: SqliteSaver[] = [];
  afterEach(() => {
    for (const saver of databases.splice(0)) (saver.db as unknown as { close(): void }).close(); // better-sqlite3 ships no types here
  });
  const savers = {
    MemorySaver: () => new MemorySaver(),
    SqliteSaver: () => {
      const saver = SqliteSaver.fromConnString(join(test.baseDir, 'checkpoints.db'));
      databases.push(saver);
      return saver;
    },
  };
  for (const [name, make] of Object.entries(savers)) {
    it(`records every ${name} put, putWrites and getTuple of a real graph with the serializer's exact bytes`, async () => {
      const saver = make();
      const seen = countSerde(saver);
      expect(instrumentCheckpointer(saver, { factory: test.factory })).to.equal(saver);
      expect(instrumentCheckpointer(saver, { factory: test.factory })).to.equal(saver);
      const app = buildAgent({ baseURL: server.openaiBaseURL, checkpointer: saver });
      const result = await app.invoke({ messages: [{ role: 'user', content: 'weather?' }] }, { configurable: { thread_id: 't1' } });
      expect(result.messages).to.have.length(4);
      const state = await app.getState({ configurable: { thread_id: 't1' } });
      await test.factory.flush();
      const lines = await records(test.baseDir, 'checkpoint');
      const saves = lines.filter((r) => r['operation'] === 'checkpoint_save');
      const writes = lines.filter((r) => r['operation'] === 'checkpoint_save_writes');
      const loads = lines.filter((r) => r['operation'] === 'checkpoint_load');
      expect(lines[0]).to.include({ operation: 'checkpoint_load', found: false, thread_id: 't1', success: true }).and.not.have.property('size');
      expect(saves.length).to.be.greaterThan(3);
      expect(writes.length).to.be.greaterThan(3);
      expect(writes.every((r) => Number.isInteger(r['writes']) && (r['writes'] as number) > 0)).to.equal(true);
      // Every byte the serializer produced is in exactly one save or writes record, none counted twice.
      const total = (rows: Record<string, unknown>[]) => rows.reduce((sum, r) => sum + (r['size'] as number), 0);
      expect(total(saves) + total(writes)).to.equal(seen.dumped.reduce((a, b) => a + b, 0));
      expect(loads.at(-1)).to.include({ success: true }).and.not.have.property('found');
      expect(loads.at(-1)!['size']).to.be.a('number').and.greaterThan(0).and.at.most(seen.loaded.reduce((a, b) => a + b, 0));
      expect((state.values as { messages: unknown[] }).messages).to.have.length(4);
      expect(lines.every((r) => r['thread_id'] === 't1' && r['checkpoint_ns'] === undefined)).to.equal(true);
      expect(test.factory.stats().recordsDropped).to.equal(0);
    });
  }

  it('measures a custom saver, keeps its results and errors, and writes no size for a put that fails before serializing', async () => {
    class FlakySaver extends MemorySaver {
      failNext = false;
      override async put(...args: Parameters<MemorySaver['put']>) {
        if (this.failNext) throw Object.assign(new Error('disk full'), { status: 507 });
        return super.put(...args);
      }
      override async getTuple(...args: Parameters<MemorySaver['getTuple']>) { return super.getTuple(...args); }
    }
    const saver = instrumentCheckpointer(new FlakySaver(), { factory: test.factory });
    const config = { configurable: { thread_id: 't2', checkpoint_ns: 'sub' } };
    const checkpoint = { v: 4, id: '1ef-a', ts: new Date(0).toISOString(), channel_values: { x: 'secret' }, channel_versions: {}, versions_seen: {} };
    const saved = await saver.put(config, checkpoint, { source: 'input', step: -1, parents: {} });
    expect(saved.configurable).to.include({ thread_id: 't2', checkpoint_id: '1ef-a' });
    const tuple = await saver.getTuple(saved);
    expect(tuple?.checkpoint.channel_values).to.deep.equal({ x: 'secret' });
    saver.failNext = true;
    const error = await saver.put(config, checkpoint, { source: 'input', step: -1, parents: {} }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Error).with.property('message', 'disk full');
    await test.factory.flush();
    const [save, load, failed] = await records(test.baseDir, 'checkpoint');
    expect(save).to.include({ operation: 'checkpoint_save', thread_id: 't2', checkpoint_ns: 'sub', success: true });
    expect(load).to.include({ operation: 'checkpoint_load', thread_id: 't2', checkpoint_ns: 'sub' });
    expect(load!['size']).to.be.greaterThan(0);
    expect(failed).to.include({ operation: 'checkpoint_save', success: false, error: 'Error: 507' }).and.not.have.property('size');
    expect(JSON.stringify([save, load, failed])).not.to.include('secret');
  });

  it('rejects something that is not a checkpointer', () => {
    expect(() => instrumentCheckpointer({} as never)).to.throw(TypeError, /BaseCheckpointSaver/);
  });
});
