// One line per monitor event, for the preload's stderr (or file) output and for services
// that log events as text: what happened, the numbers, the rule that decided.

import type { LeakEvent } from './monitor.js';
import { formatBytes } from './rules.js';
import type { SnapshotEvent } from './snapshot-taker.js';

const PREFIX = 'heapdrift monitor:';

export function leakEventText(name: 'leak-suspected' | 'leak-cleared', event: LeakEvent): string {
  if (name === 'leak-cleared') return `${PREFIX} leak cleared (rule ${event.rule}): ${event.reason}`;
  const slope = `${event.slopeBytesPerHour >= 0 ? '+' : ''}${formatBytes(event.slopeBytesPerHour)}/h`;
  return `${PREFIX} leak suspected: heap used after GC grows ${slope} (confidence ${confidenceText(event.confidence)}, rule ${event.rule}): ${event.reason}`;
}

export function snapshotEventText(event: SnapshotEvent): string {
  switch (event.type) {
    case 'skipped':
      return `${PREFIX} snapshot skipped: ${event.reason}`;
    case 'failed':
      return `${PREFIX} snapshot series failed: ${event.message}`;
    case 'written':
      return `${PREFIX} snapshot ${event.index + 1}/${event.count} written: ${event.file} (${formatBytes(event.bytes)}, ${Math.round(event.captureMs)} ms)`;
    case 'analysed': {
      const classes = event.growingClasses.map((entry) => entry.name).join(', ') || 'none';
      // A series that could not decide says why, so the next one can be set up to.
      const why = event.verdict === 'leak' || event.verdict === 'no-leak' ? '' : ` (${event.reason})`;
      return `${PREFIX} snapshot series analysed: ${event.verdict}${why}; growing classes: ${classes}; report: heapdrift report ${event.directory}`;
    }
  }
}

function confidenceText(confidence: number): string {
  return confidence >= 0.9999 ? '> 99.99 %' : `${(confidence * 100).toFixed(2)} %`;
}
