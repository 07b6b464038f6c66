/**
 * `npm run demo`: a real LangGraph agent (ChatOpenAI with a tool, against a local fake OpenAI-compatible server) runs
 * for a few seconds, instrumented with one line for the checkpointer and one for callbacks: node, model, tool and
 * checkpoint records land in logs/, then the per-operation `perflog stats` table is printed from those files and an
 * HTML report written beside them.
 */
import { MemorySaver } from '@langchain/langgraph';
import { join } from 'node:path';
import { main } from '../src/cli.js';
import { PerformanceMonitorFactory } from '../src/index.js';
import { installLangChainCallbacks, instrumentCheckpointer } from '../src/langchain/index.js';
import { startFakeLlmServer } from './support/fake-llm-server.js';
import { agentBehaviour, buildAgent } from './support/langgraph-agent.js';

const RUN_MILLIS = Number(process.env['DEMO_MILLIS'] ?? 3000);
const factory = PerformanceMonitorFactory.getInstance();
installLangChainCallbacks();                                  // one line: every node, model and tool run
const checkpointer = instrumentCheckpointer(new MemorySaver()); // one line: every checkpoint save and load

// A local OpenAI-compatible server (no network, no key): a tool call, then an answer; 1 call in 25 is rate-limited.
const server = await startFakeLlmServer({
  behaviour: (request) => (request.index % 25 === 24 ? { status: 429 } : { ...agentBehaviour(request), chunkDelayMs: 2 }),
});
const agent = buildAgent({ baseURL: server.openaiBaseURL, checkpointer, streaming: true });

const started = Date.now();
let turns = 0;
while (Date.now() - started < RUN_MILLIS) {
  await Promise.all(Array.from({ length: 4 }, (_, i) => agent.invoke(
    { messages: [{ role: 'user', content: 'What is the weather in Paris?' }] },
    { configurable: { thread_id: `t${(turns + i) % 20}` } },
  ).catch(() => undefined)));   // a rate-limited turn fails; its records say so
  turns += 4;
}
await server.close();
await factory.flush();
const stats = factory.stats();
console.log(`Ran ${turns.toLocaleString('en-US')} agent turns in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
  `${stats.recordsWritten.toLocaleString('en-US')} records, ${(stats.bytesWritten / 1024).toFixed(0)} KB into ${factory.options.logDir}\n`);

await factory.shutdown();

// Read the records back from the files (the store): the `perflog stats` table, then the HTML report.
const io = { stdout: (text: string) => process.stdout.write(text), stderr: (text: string) => process.stderr.write(text), cwd: process.cwd() };
const reportPath = join(factory.options.logDir, 'report.html');
process.exitCode = (await main(['stats', '--dir', factory.options.logDir], io)) ||
  (await main(['report', '--dir', factory.options.logDir, '--out', reportPath], io));
