// Class aggregates of one snapshot (count, self size, retained size per class name), the
// coarse view that complements path keys: a leak of many small objects spread over many
// paths still shows as one growing class.

import { summarizeClasses } from '../analysis/class-summary.js';
import type { DominatorTree } from '../analysis/dominators.js';
import type { HeapGraph } from '../snapshot/graph.js';

export interface ClassAggregate {
  className: string;
  count: number;
  selfSize: number;
  /**
   * Sum of the retained sizes of the class's objects that no other object of the same class
   * dominates (DevTools' class retained size), when a dominator tree was given; else undefined.
   */
  retainedSize: number | undefined;
}

/**
 * Per-class sums over every node of the graph, largest self size first. With a dominator
 * tree this is src/analysis's class summary (retained sizes included); without one, a single
 * cheap pass for counts and self sizes, as series of many snapshots may not afford dominators.
 */
export function classAggregates(graph: HeapGraph, tree?: DominatorTree): ClassAggregate[] {
  if (tree) {
    return summarizeClasses(graph, tree, { topInstanceCount: 0 })
      .classes.map((entry) => ({
        className: entry.className,
        count: entry.count,
        selfSize: entry.selfSize,
        retainedSize: entry.retainedSize,
      }))
      .sort((a, b) => b.selfSize - a.selfSize);
  }
  const { slots, names } = classSlots(graph);
  const count = new Float64Array(names.length);
  const selfSize = new Float64Array(names.length);
  for (let ordinal = 0; ordinal < graph.nodeCount; ordinal++) {
    // The root is the snapshot's frame, not an object (as in the class summary).
    if (ordinal === graph.rootOrdinal) continue;
    const slot = slots[ordinal]!;
    count[slot]! += 1;
    selfSize[slot]! += graph.nodeSelfSize(ordinal);
  }
  return names
    .map((className, slot) => ({
      className,
      count: count[slot]!,
      selfSize: selfSize[slot]!,
      retainedSize: undefined,
    }))
    .filter((aggregate) => aggregate.count > 0)
    .sort((a, b) => b.selfSize - a.selfSize);
}

/** A class slot per node, decoding each distinct name once. */
function classSlots(graph: HeapGraph): { slots: Uint32Array; names: string[] } {
  const slots = new Uint32Array(graph.nodeCount);
  const names: string[] = [];
  const slotByName = new Map<string, number>();
  const slotByNameIndex = new Map<number, number>();
  const slotByType = new Map<number, number>();
  const { objectNode, nativeNode } = graph.types;
  const slotFor = (name: string) => {
    let slot = slotByName.get(name);
    if (slot === undefined) {
      slot = names.length;
      names.push(name);
      slotByName.set(name, slot);
    }
    return slot;
  };
  for (let ordinal = 0; ordinal < graph.nodeCount; ordinal++) {
    const type = graph.nodeType(ordinal);
    let slot: number | undefined;
    if (type === objectNode || type === nativeNode) {
      const nameIndex = graph.nodeNameIndex(ordinal);
      slot = slotByNameIndex.get(nameIndex);
      if (slot === undefined) {
        slot = slotFor(graph.className(ordinal));
        slotByNameIndex.set(nameIndex, slot);
      }
    } else {
      slot = slotByType.get(type);
      if (slot === undefined) {
        slot = slotFor(graph.className(ordinal));
        slotByType.set(type, slot);
      }
    }
    slots[ordinal] = slot;
  }
  return { slots, names };
}
