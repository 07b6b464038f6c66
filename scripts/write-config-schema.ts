/**
 * `npm run schema`: writes configs/monitoring_logging.schema.json from the option rules (src/option-rules.ts).
 * Run it after changing a rule; test/config-schema.test.ts fails while the committed file differs.
 */
import { writeFileSync } from 'node:fs';
import { CONFIG_SCHEMA_URL, renderConfigSchema } from '../src/config-schema.js';

writeFileSync(CONFIG_SCHEMA_URL, renderConfigSchema());
process.stdout.write(`wrote ${CONFIG_SCHEMA_URL.pathname}\n`);
