/**
 * A small LangGraph agent for the demo, tests and benchmarks: `agent` (the real `@langchain/openai` ChatOpenAI, with
 * one tool bound) → `tools` (runs `get_weather`) → `agent` → `answer`, against an OpenAI-compatible server.
 * `agentBehaviour` makes the fake server answer the first model call of a turn with a tool call and the next with text.
 */
import { randomUUID } from 'node:crypto';
import type { AIMessage, AIMessageChunk, BaseMessage } from '@langchain/core/messages';
import type { Runnable } from '@langchain/core/runnables';
import { tool } from '@langchain/core/tools';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { ToolNode } from '@langchain/langgraph/prebuilt';
import { ChatOpenAI } from '@langchain/openai';
import { z } from 'zod';
import type { FakeBehaviour, FakeRequest } from './fake-llm-server.js';

/** The agent's one tool. */
export const getWeather = tool(({ city }: { city: string }) => Promise.resolve(`It is sunny in ${city}.`), {
  name: 'get_weather',
  description: 'The weather in a city.',
  schema: z.object({ city: z.string() }),
});

/** Fake-server behaviour: a tool call when the last message is the user's, else text. */
export function agentBehaviour(request: FakeRequest): FakeBehaviour {
  const messages = request.body['messages'];
  const last = Array.isArray(messages) ? (messages.at(-1) as { role?: unknown } | undefined) : undefined;
  return last?.role === 'tool'
    ? { text: 'Sunny today.', usage: { prompt: 40, completion: 5, cached: 8 } }
    : { toolCall: { name: 'get_weather', arguments: '{"city":"Paris"}' }, usage: { prompt: 30, completion: 9 } };
}

/** Options of `buildAgent`. */
export interface AgentOptions {
  /** The OpenAI-compatible base URL (`<server>/v1`). */
  baseURL: string;
  checkpointer?: BaseCheckpointSaver | undefined;
  /** Stream the model's answer (`time_to_first_token`). @default false */
  streaming?: boolean;
  /** SDK retries of the model client. @default 0 */
  maxRetries?: number;
}

async function streamed(model: Runnable<BaseMessage[], AIMessageChunk>, messages: BaseMessage[]): Promise<AIMessageChunk> {
  let message: AIMessageChunk | undefined;
  for await (const chunk of await model.stream(messages)) message = message === undefined ? chunk : message.concat(chunk);
  if (message === undefined) throw new Error('the model streamed nothing');
  return message;
}

/** Builds and compiles the agent graph. */
export function buildAgent(options: AgentOptions) {
  const model = new ChatOpenAI({
    model: 'gpt-4o-mini', apiKey: 'test-key', maxRetries: options.maxRetries ?? 0,
    configuration: { baseURL: options.baseURL },
  }).bindTools([getWeather]);
  const graph = new StateGraph(MessagesAnnotation)
    .addNode('agent', async (state: typeof MessagesAnnotation.State) => {
      // Streams through `.stream()`: ChatOpenAI's `streaming: true` estimates prompt tokens with tiktoken (a download).
      const message = options.streaming === true ? await streamed(model, state.messages) : await model.invoke(state.messages);
      // The fake server reuses one completion id, and the messages reducer would merge two answers of one id.
      message.id = randomUUID();
      return { messages: [message] };
    })
    .addNode('tools', new ToolNode([getWeather]))
    .addNode('answer', () => ({}))
    .addEdge(START, 'agent')
    .addConditionalEdges('agent', (state: typeof MessagesAnnotation.State) =>
      ((state.messages.at(-1) as AIMessage | undefined)?.tool_calls?.length ?? 0) > 0 ? 'tools' : 'answer')
    .addEdge('tools', 'agent')
    .addEdge('answer', END);
  return options.checkpointer === undefined ? graph.compile() : graph.compile({ checkpointer: options.checkpointer });
}
