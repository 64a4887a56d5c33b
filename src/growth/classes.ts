// Class aggregates of one snapshot (count, self size, retained size per class name), the
// coarse view that complements path keys: a leak of many small objects spread over many
// paths still shows as one growing class.

import type { HeapGraph } from '../snapshot/graph.js';

export interface ClassAggregate {
  className: string;
  count: number;
  selfSize: number;
  /**
   * Sum of the retained sizes of the class's objects that no other object of the same class
   * dominates (DevTools' class retained size), when dominators were given; else undefined.
   */
  retainedSize: number | undefined;
}

export interface ClassAggregateOptions {
  /** Retained size per node ordinal. */
  retainedSizes?: ArrayLike<number>;
  /**
   * Immediate dominator per node ordinal (the root its own dominator). With it, objects
   * dominated by an object of their own class are not summed twice; without it, retained
   * sizes are summed as they are and nested objects of one class count more than once.
   */
  dominators?: ArrayLike<number>;
}

/** Per-class sums over every node of the graph, largest self size first. */
export function classAggregates(graph: HeapGraph, options: ClassAggregateOptions = {}): ClassAggregate[] {
  const { slots, names } = classSlots(graph);
  const count = new Float64Array(names.length);
  const selfSize = new Float64Array(names.length);
  const retained = options.retainedSizes ? new Float64Array(names.length) : undefined;
  const dominated = options.dominators
    ? dominatedBySameClassMarks(slots, names.length, options.dominators)
    : undefined;
  for (let ordinal = 0; ordinal < graph.nodeCount; ordinal++) {
    const slot = slots[ordinal]!;
    count[slot]! += 1;
    selfSize[slot]! += graph.nodeSelfSize(ordinal);
    if (retained && !dominated?.[ordinal]) retained[slot]! += options.retainedSizes![ordinal]!;
  }
  const result: ClassAggregate[] = names.map((className, slot) => ({
    className,
    count: count[slot]!,
    selfSize: selfSize[slot]!,
    retainedSize: retained ? retained[slot]! : undefined,
  }));
  return result.sort((a, b) => b.selfSize - a.selfSize);
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

/**
 * Marks the nodes an object of their own class dominates, by a depth-first walk of the
 * dominator tree that counts the classes on the current branch: linear, whatever the depth.
 */
function dominatedBySameClassMarks(
  slots: Uint32Array,
  classCount: number,
  dominators: ArrayLike<number>,
): Uint8Array {
  const nodeCount = slots.length;
  const marks = new Uint8Array(nodeCount);
  // Children lists of the dominator tree in compressed form.
  // Nodes without a dominator in range (unreachable ones) stay outside the tree, unmarked.
  const inTree = (node: number, dominator: number) =>
    dominator !== node && dominator >= 0 && dominator < nodeCount;
  const childStart = new Uint32Array(nodeCount + 1);
  const root = 0;
  for (let node = 0; node < nodeCount; node++) {
    const dominator = dominators[node]!;
    if (inTree(node, dominator)) childStart[dominator + 1]! += 1;
  }
  for (let node = 0; node < nodeCount; node++) childStart[node + 1]! += childStart[node]!;
  const children = new Uint32Array(nodeCount);
  const filled = childStart.slice(0, nodeCount);
  for (let node = 0; node < nodeCount; node++) {
    const dominator = dominators[node]!;
    if (inTree(node, dominator)) children[filled[dominator]!++] = node;
  }
  const onBranch = new Uint32Array(classCount);
  const stack = [root];
  const next = new Uint32Array(nodeCount);
  onBranch[slots[root]!]! += 1;
  next[root] = childStart[root]!;
  while (stack.length > 0) {
    const node = stack[stack.length - 1]!;
    if (next[node]! < childStart[node + 1]!) {
      const child = children[next[node]!++]!;
      const slot = slots[child]!;
      if (onBranch[slot]! > 0) marks[child] = 1;
      onBranch[slot]! += 1;
      next[child] = childStart[child]!;
      stack.push(child);
    } else {
      stack.pop();
      onBranch[slots[node]!]! -= 1;
    }
  }
  return marks;
}
