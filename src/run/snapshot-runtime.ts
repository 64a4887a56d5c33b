// Which Node.js wrote a heap snapshot, read from the heap itself: `process.versions` is an
// object whose `v8` property holds V8's version with Node's `-node.N` suffix and whose `node`
// property holds Node's. A snapshot file carries no other record of its runtime.

import type { HeapGraph } from '../snapshot/index.js';

const V8_VERSION = /^\d+\.\d+\.\d+(?:\.\d+)?-node\.\d+$/;
const NODE_VERSION = /^\d+\.\d+\.\d+(?:-[\w.]+)?$/;

export interface SnapshotRuntime {
  nodeVersion: string | null;
  v8Version: string;
}

/** The versions in `process.versions`, or null when the heap has no such object. */
export function snapshotRuntime(graph: HeapGraph): SnapshotRuntime | null {
  const names = new Map<number, string | null>();
  const propertyName = (edge: number): string | null => {
    if (graph.edgeType(edge) !== graph.types.propertyEdge) return null;
    const index = graph.edgeNameOrIndex(edge);
    let name = names.get(index);
    if (name === undefined) {
      const text = graph.strings.get(index);
      name = text === 'v8' || text === 'node' ? text : null;
      names.set(index, name);
    }
    return name;
  };
  for (let ordinal = 0; ordinal < graph.nodeCount; ordinal++) {
    let v8Version: string | null = null;
    let nodeVersion: string | null = null;
    for (let edge = graph.firstEdge(ordinal); edge < graph.edgeEnd(ordinal); edge++) {
      const name = propertyName(edge);
      if (name === null) continue;
      const target = graph.edgeTarget(edge);
      if (graph.nodeType(target) !== graph.types.stringNode) continue;
      const value = graph.nodeName(target);
      if (name === 'v8' && V8_VERSION.test(value)) v8Version = value;
      else if (name === 'node' && NODE_VERSION.test(value)) nodeVersion = value;
    }
    if (v8Version) return { v8Version, nodeVersion };
  }
  return null;
}
