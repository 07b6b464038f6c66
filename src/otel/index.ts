/**
 * `perflog/otel`: perflog as a component of an existing OpenTelemetry setup. Loads only OpenTelemetry packages.
 */
export { PERFLOG_SCOPE_NAME } from '../record-attributes.js';
