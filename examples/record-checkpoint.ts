// Record checkpoint saves and loads (design guide: "记录检查点保存操作").
import { PerformanceMonitorFactory } from '../src/index.js'; // in your app: from 'perflog'

const checkpointMonitor = PerformanceMonitorFactory.getInstance().createMonitor('checkpoint');

checkpointMonitor.recordCheckpointSave({ duration: 0.5, size: 1024, success: true });
checkpointMonitor.recordCheckpointLoad({ duration: 0.3, size: 1024, success: true });
// A failed save, with a short error, and your own fields after the module's:
checkpointMonitor.recordCheckpointSave({ duration: 1.2, size: 0, success: false, error: 'ENOSPC', attributes: { thread_id: 't1' } });
