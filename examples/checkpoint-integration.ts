// The checkpoint module's own code records through getCheckpointMonitor() (design guide: "检查点模块").
import { getCheckpointMonitor } from '../src/index.js'; // in your app: from 'perflog'

async function saveCheckpoint(state: object): Promise<void> {
  const monitor = getCheckpointMonitor();
  const started = performance.now();
  const bytes = Buffer.byteLength(JSON.stringify(state));
  await new Promise((resolve) => setTimeout(resolve, 5)); // stands in for the real write
  monitor.recordCheckpointSave({ duration: (performance.now() - started) / 1000, size: bytes, success: true });
}

await saveCheckpoint({ step: 1, messages: ['hi'] });
getCheckpointMonitor().recordCheckpointLoad({ duration: 0.3, size: 1024, success: true });
