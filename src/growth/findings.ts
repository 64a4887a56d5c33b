// One leak, one finding: the growing structures and classes that one growth explains are
// grouped under their owner (the top-most structure on their path that grows by its own
// count, entries or size), named as the program names it (`bus._events['config-changed']`),
// with the rate of what it holds and the full retainer path beside it.

import { formatBytes, formatCount } from '../format/index.js';
import type { ClassResult } from './class-tracking.js';
import type { MetricName } from './sample-store.js';
import type { MetricResult } from './series.js';
import { type PathSegment, ROOT_KEY, type StructureKeys, shortClassName } from './structure-keys.js';
import type { StructureResult } from './structure-tracking.js';
import type { SeriesVerdict, XUnit } from './verdict.js';

export interface FindingRate {
  /** What is counted: `closures`, `AuditEntry objects`, `entries`. */
  unit: string;
  per1000Iterations: number | null;
  perHour: number;
}

export interface Finding {
  /** What a user reads first: `bus._events['config-changed'] (Array of closures)`. */
  title: string;
  /** The owner as the program names it (a variable and its property accesses), or the structure's label. */
  owner: string;
  /** The owner's class (`Array`, `Map`), or the class of a class-only finding. */
  ownerClass: string;
  /** What it holds, plural (`closures`), when the growth below it is one kind of object. */
  holds: string | null;
  /** Key of the owner; undefined for a class that grows spread over many paths. */
  key: number | undefined;
  /** The owner's full retainer path from the GC roots. */
  path: string;
  /** How fast what it holds grows: count, and bytes. */
  countRate: FindingRate | undefined;
  bytesRate: FindingRate | undefined;
  /** Labels of the growing structures this finding explains (the owner first). */
  structures: string[];
  /** Growing classes it explains. */
  classes: string[];
  /** Reason of the owner's deciding verdict. */
  reason: string;
}

const EXACT_METRICS: readonly MetricName[] = ['count', 'edgeCount', 'selfSize'];

export function groupFindings(
  keys: StructureKeys,
  structures: readonly StructureResult[],
  classes: readonly ClassResult[],
  xUnit: XUnit,
  retainedOf: (key: number) => SeriesVerdict | undefined = () => undefined,
): Finding[] {
  const growing = structures.filter((structure) => structure.verdict === 'growing');
  const byKey = new Map(growing.map((structure) => [structure.key, structure]));
  const exact = new Set(growing.filter(growsByOwnMeasure).map((structure) => structure.key));
  const groups = new Map<number, StructureResult[]>();
  // Each structure growing by its own measure joins its top-most such ancestor.
  for (const structure of growing.filter((item) => exact.has(item.key))) {
    const top = topMost(keys, structure.key, exact);
    groups.set(top, [...(groups.get(top) ?? []), structure]);
  }
  // Structures growing only by retained size sit above a growth or inside one: they join that group.
  for (const structure of growing.filter((item) => !exact.has(item.key))) {
    const related = [...groups.keys()].find(
      (owner) => isAncestor(keys, structure.key, owner) || isAncestor(keys, owner, structure.key),
    );
    if (related !== undefined) groups.get(related)!.push(structure);
    else groups.set(structure.key, [structure]);
  }
  const findings = [...groups].map(([owner, members]) =>
    structureFinding(keys, byKey.get(owner)!, members, xUnit, retainedOf(owner)),
  );
  // A growing class belongs to the finding whose members are of that class, else to the
  // largest finding whose owner's retained growth covers the class's own growth (a linked list
  // of timers has one key per depth, so its objects grow spread over many keys).
  const retained = new Map(findings.map((finding) => [finding, retainedOf(finding.key!)?.growth ?? 0]));
  const largest = [...retained].sort((a, b) => b[1] - a[1])[0];
  for (const result of classes.filter((item) => item.verdict === 'growing')) {
    const growth = result.metrics.find((metric) => metric.metric === 'selfSize')?.verdict.growth ?? 0;
    const explaining =
      findings.find((finding) =>
        groups.get(finding.key!)?.some((member) => keys.segment(member.key).className === result.className),
      ) ?? (largest && largest[1] >= growth ? largest[0] : undefined);
    if (explaining) explaining.classes.push(result.className);
    else findings.push(classFinding(result, xUnit));
  }
  for (const finding of findings) {
    if (finding.holds === null && finding.classes.length > 0 && finding.key !== undefined) {
      finding.title = `${finding.owner} (${finding.ownerClass} holding ${pluralName(finding.classes[0]!)})`;
    }
  }
  return findings.sort((a, b) => (b.bytesRate?.perHour ?? 0) - (a.bytesRate?.perHour ?? 0));
}

function growsByOwnMeasure(structure: StructureResult): boolean {
  return structure.metrics.some(
    (metric) => metric.verdict.verdict === 'growing' && EXACT_METRICS.includes(metric.metric),
  );
}

function topMost(keys: StructureKeys, key: number, set: Set<number>): number {
  let top = key;
  for (let current = keys.parentOf(key); current > ROOT_KEY; current = keys.parentOf(current)) {
    if (set.has(current)) top = current;
  }
  return top;
}

function isAncestor(keys: StructureKeys, ancestor: number, key: number): boolean {
  for (let current = keys.parentOf(key); current > ROOT_KEY; current = keys.parentOf(current)) {
    if (current === ancestor) return true;
  }
  return false;
}

function structureFinding(
  keys: StructureKeys,
  owner: StructureResult,
  members: StructureResult[],
  xUnit: XUnit,
  retained: SeriesVerdict | undefined,
): Finding {
  const segments = keys.segments(owner.key);
  const named = programName(segments);
  const held = heldItems(keys, owner, members);
  const holds = held ? pluralName(keys.segment(held.key).className) : null;
  const countMetric = held
    ? metricOf(held, 'count')
    : (metricOf(owner, 'edgeCount') ?? metricOf(owner, 'count'));
  const countRate = countMetric
    ? rateOf(countMetric.verdict, holds ?? (metricOf(owner, 'edgeCount') ? 'entries' : 'objects'), xUnit)
    : undefined;
  const bytesVerdict = retained ?? (metricOf(owner, 'retainedSize') ?? metricOf(owner, 'selfSize'))?.verdict;
  const bytesRate = bytesVerdict ? rateOf(bytesVerdict, 'bytes', xUnit) : undefined;
  const ownerClass = shortClassName(named.className);
  const leading = owner.metrics.find((metric) => metric.verdict.verdict === 'growing') ?? owner.metrics[0]!;
  return {
    title: `${named.name} (${ownerClass}${holds ? ` of ${holds}` : ''})`,
    owner: named.name,
    ownerClass,
    holds,
    key: owner.key,
    path: owner.path,
    countRate,
    bytesRate,
    structures: [owner.label, ...members.filter((member) => member !== owner).map((member) => member.label)],
    classes: [],
    reason: leading.verdict.reason,
  };
}

function classFinding(result: ClassResult, xUnit: XUnit): Finding {
  const count = result.metrics.find((metric) => metric.metric === 'count');
  const size = result.metrics.find((metric) => metric.metric === 'selfSize');
  const holds = pluralName(result.className);
  const leading = result.metrics.find((metric) => metric.verdict.verdict === 'growing') ?? result.metrics[0]!;
  return {
    title: `${result.className} (class, spread over many paths)`,
    owner: result.className,
    ownerClass: result.className,
    holds,
    key: undefined,
    path: '(many paths)',
    countRate: count ? rateOf(count.verdict, holds, xUnit) : undefined,
    bytesRate: size ? rateOf(size.verdict, 'bytes', xUnit) : undefined,
    structures: [],
    classes: [result.className],
    reason: leading.verdict.reason,
  };
}

/**
 * What the owner holds: the growing member right below it (through internal edges such as a
 * Map's `table`) whose count grows the most.
 */
function heldItems(
  keys: StructureKeys,
  owner: StructureResult,
  members: StructureResult[],
): StructureResult | undefined {
  let best: StructureResult | undefined;
  let bestGrowth = 0;
  for (const member of members) {
    if (member === owner || !isAncestor(keys, owner.key, member.key)) continue;
    if (!reachedThroughContainer(keys, owner.key, member.key)) continue;
    const growth = metricOf(member, 'count')?.verdict.growth ?? 0;
    if (growth > bestGrowth) {
      best = member;
      bestGrowth = growth;
    }
  }
  return best;
}

/** True when `key` hangs off `owner` by element or internal edges only (slots of the container). */
function reachedThroughContainer(keys: StructureKeys, owner: number, key: number): boolean {
  for (let current = key; current !== owner; current = keys.parentOf(current)) {
    const { edgeType } = keys.segment(current);
    if (edgeType !== 'element' && edgeType !== 'internal') return false;
  }
  return true;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** Internal edges that lead from a container to its storage: the container is what the program names. */
const STORAGE_EDGES = new Set(['table', 'elements', 'properties', '[]']);

/**
 * The owner as the program writes it: from the deepest variable on its path (a closure or
 * module variable, a global) down through property accesses. Internal storage at the end
 * (a Map's table, an array's elements) is named by its container.
 */
export function programName(segments: readonly PathSegment[]): { name: string; className: string } {
  let end = segments.length - 1;
  while (end > 0 && segments[end]!.edgeType !== 'property' && segments[end]!.edgeType !== 'context') {
    if (!STORAGE_EDGES.has(segments[end]!.edge) && segments[end]!.edgeType !== 'element') break;
    end--;
  }
  let start = -1;
  for (let index = end; index >= 0; index--) {
    const segment = segments[index]!;
    if (segment.edgeType === 'context' || (index <= 1 && segment.edgeType === 'property')) {
      start = index;
      break;
    }
    if (segment.edgeType !== 'property') break;
  }
  const className = segments[end]?.className ?? '';
  if (start < 0) {
    const last = segments[end];
    const parent = segments[end - 1];
    const label = last ? `${parent ? `${shortClassName(parent.className)} > ` : ''}${last.edge}` : '(root)';
    return { name: label, className };
  }
  let name = segments[start]!.edge;
  for (const segment of segments.slice(start + 1, end + 1)) {
    name += IDENTIFIER.test(segment.edge)
      ? `.${segment.edge}`
      : `[${JSON.stringify(segment.edge).replaceAll('"', "'")}]`;
  }
  return { name, className };
}

/** `(closure)` → closures, `AuditEntry` → AuditEntry objects, `Object` → objects. */
export function pluralName(className: string): string {
  const short = shortClassName(className);
  const typed = /^\((.+)\)$/.exec(short);
  if (typed) return `${typed[1]}s`;
  if (short === 'Object') return 'objects';
  if (short === 'Array') return 'arrays';
  return `${short} objects`;
}

function metricOf(result: { metrics: MetricResult[] }, metric: MetricName): MetricResult | undefined {
  return result.metrics.find((item) => item.metric === metric);
}

function rateOf(verdict: SeriesVerdict, unit: string, xUnit: XUnit): FindingRate {
  return {
    unit,
    per1000Iterations: xUnit === 'iteration' ? verdict.slopePer1000Iterations : null,
    perHour: verdict.slopePerHour,
  };
}

/**
 * `≈ 100 closures per 1,000 iterations (per call: 0.1)`, or `≈ 2,400 entries per hour` for time
 * series; bytes as `≈ 4.2 KiB per hour`.
 */
export function describeRate(rate: FindingRate): string {
  const amount = (value: number) =>
    rate.unit === 'bytes' ? formatBytes(value) : `${formatCount(Math.round(value))} ${rate.unit}`;
  if (rate.per1000Iterations !== null) {
    const perCall = rate.per1000Iterations / 1000;
    return `≈ ${amount(rate.per1000Iterations)} per 1,000 iterations (per call: ${significant(perCall)}${rate.unit === 'bytes' ? ' B' : ''})`;
  }
  return `≈ ${amount(rate.perHour)} per hour`;
}

/** The finding in one line: title, then its rates. */
export function describeFinding(finding: Finding): string {
  const rates = [finding.countRate, finding.bytesRate]
    .filter((rate): rate is FindingRate => rate !== undefined && (rate.per1000Iterations ?? rate.perHour) > 0)
    .map(describeRate);
  return rates.length > 0 ? `${finding.title}: ${rates.join(', ')}` : finding.title;
}

function significant(value: number): string {
  if (value === 0) return '0';
  return Number(value.toPrecision(2)).toString();
}
