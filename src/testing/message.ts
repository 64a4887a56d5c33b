// The text of a leak test's result: what grew (classes, objects and bytes per call), one
// retainer path, the verdict's rule and reason, and what was measured. Plain text, no
// colour and no string contents, so every runner shows it as is.

import { formatAmount } from '../growth/index.js';
import type { LeakEvidence } from './measure.js';
import { formatPerCall } from './per-call-verdict.js';

/** The failure message: names what grew first, so a runner's one-line summary says it. */
export function describeLeak(evidence: LeakEvidence): string {
  const lines = [
    `fn leaks ${formatPerCall(evidence.objectsPerCall)} objects (${formatBytes(evidence.bytesPerCall)}) per call: ` +
      `${evidence.calls} calls grew the live heap by ${evidence.retainedObjects} objects (${formatBytes(evidence.retainedBytes)}) after GC`,
  ];
  const explanation = evidence.explanation;
  if (explanation && explanation.classes.length > 0) {
    lines.push('  per call  bytes/call  class');
    for (const entry of explanation.classes) {
      lines.push(
        `  ${formatPerCall(entry.objectsPerCall).padStart(8)}  ${formatBytes(entry.bytesPerCall).padStart(10)}  ${entry.className}`,
      );
    }
  }
  const sample = explanation?.sample;
  if (sample) {
    lines.push(
      sample.retainerPath
        ? `retainer path of a ${sample.className}: ${sample.retainerPath}`
        : `no strong retainer path to the sample ${sample.className} @${sample.id}`,
    );
  }
  lines.push(
    `verdict: ${evidence.verdict} (${evidence.decidedBy}): ${evidence.reason}`,
    measuredLine(evidence),
  );
  return lines.join('\n');
}

/** A one-paragraph summary of any result, for logs and `t.diagnostic`. */
export function formatEvidence(evidence: LeakEvidence): string {
  if (evidence.verdict === 'growing') return describeLeak(evidence);
  return [
    `no leak (${evidence.verdict}, ${evidence.decidedBy}): ${formatPerCall(evidence.objectsPerCall)} objects (${formatBytes(evidence.bytesPerCall)}) retained per call; ${evidence.reason}`,
    measuredLine(evidence),
  ].join('\n');
}

function measuredLine(evidence: LeakEvidence): string {
  const seconds = (evidence.durationMs / 1000).toFixed(2);
  return `measured: ${evidence.batches} batches of ${evidence.iterations} calls after ${evidence.warmup} warm-up calls, ${seconds} s, Node.js ${evidence.nodeVersion}`;
}

function formatBytes(value: number): string {
  return formatAmount(Math.max(0, value), 'bytes');
}
