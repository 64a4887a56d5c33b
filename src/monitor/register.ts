// Preload entry: `node --import heapdrift/monitor/register app.js` starts the monitor with
// options from HEAPDRIFT_MONITOR_* environment variables and prints its events, one line
// each, to stderr or a file — for services whose code cannot change.

import { appendFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { namingVariable, preloadSettings } from './environment-options.js';
import { leakEventText, snapshotEventText } from './event-text.js';
import { startMonitor } from './monitor.js';

/** The preloaded monitor, for code that wants its status: `globalThis[Symbol.for('heapdrift.monitor')]`. */
export const PRELOADED_MONITOR = Symbol.for('heapdrift.monitor');

function start(): void {
  const settings = preloadSettings();
  if (!settings.enabled) return;
  const monitor = startMonitor(settings.monitor);
  (globalThis as Record<symbol, unknown>)[PRELOADED_MONITOR] = monitor;
  const write = (text: string, payload: object) => {
    const line = settings.format === 'json' ? JSON.stringify(payload) : text;
    if (settings.output) appendFileSync(settings.output, `${line}\n`, { mode: 0o600 });
    else process.stderr.write(`${line}\n`);
  };
  for (const name of ['leak-suspected', 'leak-cleared'] as const) {
    monitor.on(name, (event) => write(leakEventText(name, event), { event: name, ...event }));
  }
  monitor.on('snapshot', (event) => write(snapshotEventText(event), { event: 'snapshot', ...event }));
  monitor.on('warning', (event) => write(event.message, { event: 'warning', ...event }));
  const { intervalMs } = monitor.options;
  write(`heapdrift monitor: watching pid ${process.pid} (Node ${process.version}) every ${intervalMs} ms`, {
    event: 'started',
    pid: process.pid,
    node: process.version,
    intervalMs,
  });
}

try {
  start();
} catch (error) {
  if (!(error instanceof UserError)) throw error;
  process.stderr.write(`${namingVariable(error).message}\n`);
  process.exit(2);
}
