import { expect } from 'chai';
import { startFakeLlmServer } from '../../examples/support/fake-llm-server.js';
import type { FakeLlmServer } from '../../examples/support/fake-llm-server.js';
import { agentBehaviour, buildAgent } from '../../examples/support/langgraph-agent.js';
import { PerflogCallbackHandler, installLangChainCallbacks } from '../../src/langchain/index.js';
import { records, repoPath, runTs, useTempFactory } from '../helpers.js';

const INPUT = { messages: [{ role: 'user', content: 'weather?' }] };

describe('installLangChainCallbacks()', () => {
  const test = useTempFactory();
  let server: FakeLlmServer;
  before(async () => {
    server = await startFakeLlmServer({ behaviour: agentBehaviour });
  });
  after(() => server.close());

  it('records every later run without per-call wiring, once even with a per-run handler, and nothing after uninstall()', async () => {
    const uninstall = installLangChainCallbacks({ factory: test.factory });
    const app = buildAgent({ baseURL: server.openaiBaseURL });
    await app.invoke(INPUT);
    await app.invoke(INPUT, { callbacks: [new PerflogCallbackHandler({ factory: test.factory })] });
    uninstall();
    await app.invoke(INPUT);
    await test.factory.flush();
    expect(await records(test.baseDir, 'llm')).to.have.length(4);
    expect(await records(test.baseDir, 'tool')).to.have.length(2);
    expect((await records(test.baseDir, 'workflow')).map((r) => r['node'])).to.deep.equal(
      ['agent', 'tools', 'agent', 'answer', 'agent', 'tools', 'agent', 'answer']);
  });

  it('import "perflog" loads no LangChain package; "perflog/langchain" does', async () => {
    const { code, stdout, stderr } = await runTs(repoPath('test/fixtures/loaded-modules.ts'), { cwd: repoPath() });
    expect(code, stderr).to.equal(0);
    const { core, langchain } = JSON.parse(stdout) as { core: string[]; langchain: string[] };
    expect(core).to.deep.equal([]);
    expect(langchain.some((file) => file.includes('@langchain/core'))).to.equal(true);
  });
});
