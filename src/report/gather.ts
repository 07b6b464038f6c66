/**
 * The queries behind the report. Every table of the report comes from a `queryMetrics`-shaped answer (SPEC section
 * 8), so another source (ClickHouse) feeds the same page by passing its own `query` function; only the time series
 * (`collectTimeline`) reads records one by one.
 */
import type { ReadOptions } from '../query/options.js';
import type { QueryOptions, QueryResult } from '../query/query.js';
import { queryMetrics } from '../query/query.js';

/** Runs one query: `queryMetrics`, or another source's function of the same contract. */
export type QueryFunction = (options: QueryOptions) => Promise<QueryResult>;

/** The answers the report's tables are made of. */
export interface ReportQueries {
  /** Per module and operation (perflog's own `log_cleaner` rows included: the page shows them apart). */
  readonly operations: QueryResult;
  /** `node_execution` records per `node`. */
  readonly nodes: QueryResult;
  /** `tool_call` records per `tool`. */
  readonly tools: QueryResult;
  /** `llm_call` records per `model` and `provider`, with `cached_tokens` and `reasoning_tokens` totals. */
  readonly models: QueryResult;
  /** Failed records per module, operation and `error`. */
  readonly errors: QueryResult;
  /** Checkpoint records per operation: latency in `duration`. */
  readonly checkpoints: QueryResult;
  /** The same groups with the distribution of `size` (bytes) in `duration`. */
  readonly checkpointSizes: QueryResult;
  /** Checkpoint records per operation and `checkpoint_ns` (a task id where present): latency. */
  readonly checkpointsByNs: QueryResult;
  /** The same groups with the distribution of `size`. */
  readonly checkpointSizesByNs: QueryResult;
  /** perflog's own records per operation, with `files_deleted` and `bytes_freed` totals. */
  readonly maintenance: QueryResult;
}

/** Extra token totals of the model breakdown. */
const MODEL_SUMS = ['cached_tokens', 'reasoning_tokens'] as const;
/** Totals of the maintenance section. */
const MAINTENANCE_SUMS = ['files_deleted', 'bytes_freed'] as const;

/** Runs the report's queries over the records `options` select, one after the other. */
export async function runReportQueries(options: ReadOptions, query: QueryFunction = queryMetrics): Promise<ReportQueries> {
  const only = (operation: string, groupBy: string[], extra: Partial<QueryOptions> = {}): Promise<QueryResult> =>
    (options.operation !== undefined && options.operation !== operation
      ? Promise.resolve(empty())
      : query({ ...options, ...extra, operation, groupBy }));
  const noCheckpoints = options.module !== undefined && options.module !== 'checkpoint';
  const checkpoint = (groupBy: string[], measure?: string): Promise<QueryResult> => (noCheckpoints
    ? Promise.resolve(empty()) : query({ ...options, module: 'checkpoint', groupBy, measure }));
  return {
    operations: await query({ ...options, groupBy: ['module', 'operation'] }),
    nodes: await only('node_execution', ['node']),
    tools: await only('tool_call', ['tool']),
    models: await only('llm_call', ['model', 'provider'], { sum: [...MODEL_SUMS] }),
    errors: await query({ ...options, where: { ...options.where, success: false }, groupBy: ['module', 'operation', 'error'] }),
    checkpoints: await checkpoint(['operation']),
    checkpointSizes: await checkpoint(['operation'], 'size'),
    checkpointsByNs: await checkpoint(['operation', 'checkpoint_ns']),
    checkpointSizesByNs: await checkpoint(['operation', 'checkpoint_ns'], 'size'),
    maintenance: options.module !== undefined && options.module !== 'log_cleaner'
      ? empty() : await query({ ...options, module: 'log_cleaner', groupBy: ['operation'], sum: [...MAINTENANCE_SUMS] }),
  };
}

function empty(): QueryResult {
  return { rows: [], linesRead: 0, badLines: 0, files: 0 };
}
