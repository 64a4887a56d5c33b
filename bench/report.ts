// The benchmark's results file: the measurements as JSON, and the same as Markdown tables
// (seconds, throughput, peak RSS, ratios against heapdrift, the issue's targets, the profile).

import type { MachineInfo } from './machine.js';
import type { Failure, Measurement } from './measure.js';
import type { ParseProfile, ProfileEntry } from './profile.js';

export type Outcome = Measurement | Failure;

export interface SizeResults {
  label: string;
  file: string;
  fileBytes: number;
  parse: Outcome[];
  full: Outcome[];
}

export interface BenchResults {
  date: string;
  command: string;
  /** heapdrift's commit (short hash), `+changes` when src/ had uncommitted edits. */
  commit?: string;
  machine: MachineInfo;
  childNodeFlags: string[];
  /** Peak RSS of a child that loads the task script and does nothing: Node.js itself. */
  nodeBaselineRssBytes?: number;
  sizes: SizeResults[];
  profile?: ParseProfile & { file: string };
  notes: string[];
}

export const TOOL_NAMES: Record<string, string> = {
  'heapdrift-parse': 'heapdrift `readHeapSnapshot`',
  'json-parse': '`JSON.parse(readFileSync)`',
  'memlab-parse': 'memlab `getSnapshotFromFile`',
  'heapdrift-full': 'heapdrift',
  'devtools-full': 'Chrome DevTools worker',
  'memlab-full': 'memlab full load',
};

const MiB = 2 ** 20;
const GiB = 2 ** 30;

function isMeasurement(outcome: Outcome | undefined): outcome is Measurement {
  return outcome !== undefined && 'wallSeconds' in outcome;
}

const fixed = (value: number, digits: number) => value.toFixed(digits);

/** `other / heapdrift` for wall, CPU and RSS: above 1 means heapdrift is faster or smaller. */
function ratios(outcome: Measurement, baseline: Outcome | undefined): string {
  if (outcome.task === baseline?.task) return '1 (baseline)';
  if (!isMeasurement(baseline)) return '—';
  const ratio = (a: number, b: number) => `${fixed(a / b, 1)}×`;
  return `${ratio(outcome.wallSeconds, baseline.wallSeconds)} / ${ratio(outcome.cpuSeconds, baseline.cpuSeconds)} / ${ratio(outcome.peakRssBytes, baseline.peakRssBytes)}`;
}

function row(size: SizeResults, outcome: Outcome, baseline: Outcome | undefined): string {
  const tool = TOOL_NAMES[outcome.task] ?? outcome.task;
  const fileMiB = size.fileBytes / MiB;
  if (!isMeasurement(outcome)) {
    return `| ${size.label} | ${tool} | — | — | — | — | — | fails: ${outcome.failed.replaceAll('|', '\\|')} |`;
  }
  const throughput = `${fixed(fileMiB / outcome.wallSeconds, 0)} / ${fixed(fileMiB / outcome.cpuSeconds, 0)}`;
  return [
    '',
    size.label,
    tool,
    `${fixed(outcome.wallSeconds, 2)} (×${outcome.runs})`,
    fixed(outcome.cpuSeconds, 2),
    throughput,
    fixed(outcome.peakRssBytes / MiB, 0),
    fixed(outcome.peakRssBytes / size.fileBytes, 2),
    ratios(outcome, baseline),
    '',
  ]
    .join(' | ')
    .trim();
}

const TABLE_HEADER = [
  '| Snapshot | Tool | Wall s (best of n) | CPU s | MB/s (wall / CPU) | Peak RSS MB | RSS / file | Other ÷ heapdrift (wall / CPU / RSS) |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
];

export function markdownTable(sizes: SizeResults[], phase: 'parse' | 'full'): string {
  const lines = [...TABLE_HEADER];
  for (const size of sizes) {
    const baseline = size[phase][0];
    for (const outcome of size[phase]) lines.push(row(size, outcome, baseline));
  }
  return lines.join('\n');
}

/** Whether every tool that finished found the same heap: node count and total retained size. */
export function agreement(sizes: SizeResults[]): string[] {
  const lines: string[] = [];
  for (const size of sizes) {
    const done = [...size.parse, ...size.full].filter(isMeasurement);
    const nodeCounts = new Set(done.map((outcome) => outcome.nodeCount));
    const totals = new Set(done.flatMap((outcome) => outcome.totalRetainedSize ?? []));
    const same = nodeCounts.size === 1 && totals.size <= 1;
    lines.push(
      `${size.label} (${fixed(size.fileBytes / MiB, 1)} MB): ${same ? 'all tools agree on' : 'tools DISAGREE:'} ` +
        `${[...nodeCounts].join(' / ')} nodes, root retained size ${[...totals].join(' / ')} bytes.`,
    );
  }
  return lines;
}

/** The issue's targets, judged on the 400 MB snapshot by wall time and by CPU time. */
export function targetLines(sizes: SizeResults[]): string[] {
  const size = sizes.find((entry) => entry.label === '400 MB');
  if (!size) return [];
  const parse = size.parse.find((outcome) => outcome.task === 'heapdrift-parse');
  const full = size.full.find((outcome) => outcome.task === 'heapdrift-full');
  const lines: string[] = [];
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
  const fileMiB = size.fileBytes / MiB;
  if (isMeasurement(parse)) {
    const wallRate = fileMiB / parse.wallSeconds;
    const cpuRate = fileMiB / parse.cpuSeconds;
    lines.push(
      `Parse ≥ 200 MB/s: ${fixed(wallRate, 0)} MB/s wall (${verdict(wallRate >= 200)}), ${fixed(cpuRate, 0)} MB/s per CPU second (${verdict(cpuRate >= 200)}).`,
      `Parse peak RSS ≤ 1.2× file: ${fixed(parse.peakRssBytes / size.fileBytes, 2)}× (${verdict(parse.peakRssBytes <= 1.2 * size.fileBytes)}).`,
    );
  }
  if (isMeasurement(full)) {
    lines.push(
      `Full analysis ≤ 6 s: ${fixed(full.wallSeconds, 2)} s wall (${verdict(full.wallSeconds <= 6)}), ${fixed(full.cpuSeconds, 2)} CPU s (${verdict(full.cpuSeconds <= 6)}).`,
      `Full analysis peak RSS ≤ 1.5 GB: ${fixed(full.peakRssBytes / GiB, 2)} GB (${verdict(full.peakRssBytes <= 1.5 * GiB)}).`,
    );
  }
  return lines;
}

export function profileLines(profile: BenchResults['profile']): string[] {
  if (!profile) return [];
  const line = (entry: ProfileEntry) =>
    `${fixed(entry.share * 100, 1)}% (${fixed(entry.selfSeconds, 2)} s) ${entry.function}`;
  return [...profile.top.map(line), `By file: ${profile.byFile.map(line).join('; ')}`];
}

export function renderMarkdown(results: BenchResults): string {
  const { machine } = results;
  const bullet = (lines: string[]) => lines.map((line) => `- ${line}`).join('\n');
  return `# heapdrift benchmark

- Date: ${results.date}
- Command: \`${results.command}\` at commit ${results.commit ?? '?'}
- Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GB RAM, ${machine.platform}, Node.js ${machine.node} (1-minute load average at start: ${machine.loadAverage}, at end: ${machine.loadAverageAtEnd ?? '?'})
- Each tool runs alone in a fresh child process (\`node ${results.childNodeFlags.join(' ')} dist/bench/task.js <task> <file>\`);
  wall and CPU seconds (user + system, all threads: GC helpers included) cover the task only, not
  Node's start or module loading; peak RSS is the child's \`maxRSS\`, Node.js itself included
  (${results.nodeBaselineRssBytes ? fixed(results.nodeBaselineRssBytes / MiB, 0) : '?'} MB for a child that loads the task script and does nothing).
  Best of n runs (up to 3 while cheap): fastest wall, least CPU, largest peak RSS.
  MB = 2^20 bytes. Ratios are other tool ÷ heapdrift: above 1 means heapdrift is faster or smaller.
  On a shared machine wall time includes waiting for a core; CPU seconds are the steadier measure.

## Parse

${markdownTable(results.sizes, 'parse')}

## Full analysis (parse + distances + dominators + retained sizes + class summary)

${markdownTable(results.sizes, 'full')}

## Checks

${bullet(agreement(results.sizes))}

## Targets (400 MB snapshot)

${bullet(targetLines(results.sizes))}

## Where heapdrift's parse spends its time${results.profile ? ` (\`node --cpu-prof\`, ${results.profile.file}, ${fixed(results.profile.totalSeconds, 2)} s sampled; self time by function, compiled dist/ lines)` : ''}

${bullet(profileLines(results.profile))}

## Notes

${bullet(results.notes)}
`;
}
