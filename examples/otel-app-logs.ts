// App logs from pino and winston, through their OpenTelemetry instrumentation, into rotating, crash-safe JSON files
// written by perflog's PerflogFileLogRecordExporter (logs/otel/otel_logs.log), beside perflog's own metric records.
import { createRequire } from 'node:module';
import { logs } from '@opentelemetry/api';
import { logs as apiLogs } from '@opentelemetry/api-logs';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { OpenTelemetryTransportV3 } from '@opentelemetry/winston-transport';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import type pinoModule from 'pino';
import type winstonModule from 'winston';
import { PerformanceMonitorFactory } from '../src/index.js'; // in your app: from 'perflog'
import { PerflogFileLogRecordExporter } from '../src/otel/index.js'; // in your app: from 'perflog/otel'

const exporter = new PerflogFileLogRecordExporter({ logDir: 'logs/otel', maxSizeMb: 100, rotateInterval: 'daily' });
const provider = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter })] });
logs.setGlobalLoggerProvider(provider);
// winston's transport (0.34) still takes its provider from the older @opentelemetry/api-logs global
apiLogs.setGlobalLoggerProvider(provider);
// pino's instrumentation hooks require(): register it before pino is loaded
registerInstrumentations({ instrumentations: [new PinoInstrumentation()] });
const require = createRequire(import.meta.url);
const pino = require('pino') as typeof pinoModule;
const winston = require('winston') as typeof winstonModule;

const pinoLogger = pino({ level: 'info' }, pino.destination('/dev/null'));
const winstonLogger = winston.createLogger({ transports: [new OpenTelemetryTransportV3()] });

pinoLogger.info({ order: 42 }, 'order placed');
winstonLogger.warn('payment slow', { order: 42, ms: 870 });

// perflog's own records go to logs/ as usual; emitted into the same provider, they would also be written to
// logs/otel as their exact perflog lines (then set file.enabled: false, or each is written twice).
const factory = PerformanceMonitorFactory.configure({ cleanup: { enabled: false } });
factory.createMonitor('tool').recordToolCall({ tool: 'charge_card', duration: 0.87, success: true });

await factory.shutdown();
await provider.shutdown(); // flushes the batch processor's queue into the file
