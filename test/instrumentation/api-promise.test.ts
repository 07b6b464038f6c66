import { expect } from 'chai';
import OpenAI from 'openai';
import { instrumentOpenAI } from '../../src/openai/index.js';
import { useFakeLlm } from '../helpers/llm.js';

const messages = [{ role: 'user' as const, content: 'hi' }];

describe('instrumentation/api-promise (through perflog/openai)', () => {
  const test = useFakeLlm();
  const plain = (): OpenAI => new OpenAI({ apiKey: 'test', baseURL: test.server.openaiBaseURL, maxRetries: 0 });
  const instrumented = (): OpenAI => instrumentOpenAI(plain(), { factory: test.factory });

  /**
   * One call, every way the app can consume its APIPromise at once, each callback logging its name: the log is the
   * order the app's callbacks ran in, with microtask chains of the app's own interleaved.
   */
  async function callbackOrder(client: OpenAI, shouldFail: boolean): Promise<string[]> {
    test.server.setBehaviour(shouldFail ? { status: 429 } : {});
    const log: string[] = [];
    const promise = client.chat.completions.create({ model: 'm', messages });
    const ticks = async (): Promise<void> => {
      for (let i = 0; i < 12; i++) {
        await Promise.resolve();
        log.push(`tick${i}`);
      }
    };
    await Promise.allSettled([
      promise.then(() => log.push('then1'), () => log.push('catch1')),
      promise.finally(() => log.push('finally')).catch(() => undefined),
      promise.withResponse().then(() => log.push('withResponse'), () => log.push('withResponse failed')),
      promise.asResponse().then(() => log.push('asResponse'), () => log.push('asResponse failed')),
      promise.then(() => log.push('then2'), () => log.push('catch2')),
      promise.then(() => void ticks()),
    ]);
    await ticks();
    return log;
  }

  it('runs the app callbacks of a call in the same order as the plain client, on success and on failure', async () => {
    for (const shouldFail of [false, true]) {
      const expected = await callbackOrder(plain(), shouldFail);
      expect(await callbackOrder(instrumented(), shouldFail)).to.deep.equal(expected);
    }
    const written = await test.written();
    expect(written.map((r) => r['success'])).to.deep.equal([true, false]);
  });

  it('resolves to the SDK value and rejects with the SDK error object, the same one for every consumer', async () => {
    const [bare, observed] = await Promise.all([plain().chat.completions.create({ model: 'm', messages }), instrumented().chat.completions.create({ model: 'm', messages })]);
    expect(observed).to.deep.equal(bare);
    test.server.setBehaviour({ status: 500 });
    const failing = instrumented().chat.completions.create({ model: 'm', messages });
    const [viaThen, viaCatch, viaWithResponse] = await Promise.all([
      failing.then(() => undefined, (error: unknown) => error),
      failing.catch((error: unknown) => error),
      failing.withResponse().catch((error: unknown) => error),
    ]);
    expect(viaThen).to.be.instanceOf(OpenAI.InternalServerError);
    expect(viaCatch).to.equal(viaThen);
    expect(viaWithResponse).to.equal(viaThen);
    const written = await test.written();
    expect(written.map((r) => [r['success'], r['error']])).to.deep.equal([[true, undefined], [false, 'InternalServerError: 500']]);
  });

  it('records a response nobody parses at a flush() after it arrived, not aborted, with no tokens', async () => {
    void instrumented().chat.completions.create({ model: 'm', messages });
    let written: Record<string, unknown>[] = [];
    for (let i = 0; i < 200 && written.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      written = await test.written();
    }
    expect(written).to.have.length(1);
    expect(written[0]).to.include({ success: true }).and.not.have.property('total_tokens');
    expect(written[0]).to.not.have.property('aborted');
  });
});
