// The heap snapshot engine: a streaming reader for .heapsnapshot files and the compact graph
// model that every analysis works on.

export { DEFAULT_SPLIT_MIN_BYTES, planRead, type ReadPlan } from './edges-split.js';
export { SnapshotFormatError } from './errors.js';
export { HeapGraph, type HeapGraphParts, type NumberArray, type TypeIndexes } from './graph.js';
export type { RawSnapshotHeader, RawSnapshotMeta, SnapshotLayout } from './meta.js';
export { HeapSnapshotParser } from './parser.js';
export { parseHeapSnapshot, type ReadOptions, readHeapSnapshot } from './read.js';
export { ArrayStringTable, type StringTable } from './strings.js';
