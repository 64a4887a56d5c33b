// The snapshot's self-description (`snapshot.meta`). Every field position and type list is
// read from here, because they differ across Node.js versions (6 or 7 node fields, 14–16
// node types, `trace_node_id` and `detachedness` present or not).

import { SnapshotFormatError } from './errors.js';

export interface RawSnapshotMeta {
  node_fields: string[];
  node_types: unknown[];
  edge_fields: string[];
  edge_types: unknown[];
  trace_function_info_fields?: string[];
  trace_node_fields?: string[];
  sample_fields?: string[];
  location_fields?: string[];
  [key: string]: unknown;
}

/** The `snapshot` header object: meta plus the writer's counts (which may be wrong). */
export interface RawSnapshotHeader {
  meta: RawSnapshotMeta;
  node_count?: number;
  edge_count?: number;
  trace_function_count?: number;
  extra_native_bytes?: number;
  [key: string]: unknown;
}

/**
 * Field offsets and type lists resolved once from meta, for the arrays as stored: the reader
 * may leave out node columns that are 0 throughout (see node-rows.ts), so `nodeFields` can be
 * narrower than `meta.node_fields`. An absent field's offset is -1 (it reads as 0).
 */
export interface SnapshotLayout {
  /** The node fields stored per node, in file order. */
  nodeFields: string[];
  nodeFieldCount: number;
  /** Node fields per node in the file (`to_node` indexes in the file count these). */
  fileNodeFieldCount: number;
  edgeFieldCount: number;
  nodeTypeOffset: number;
  nodeNameOffset: number;
  nodeIdOffset: number;
  nodeSelfSizeOffset: number;
  nodeEdgeCountOffset: number;
  nodeTraceNodeIdOffset: number;
  nodeDetachednessOffset: number;
  edgeTypeOffset: number;
  edgeNameOffset: number;
  edgeToNodeOffset: number;
  nodeTypes: string[];
  edgeTypes: string[];
  locationFieldCount: number;
  locationObjectIndexOffset: number;
  sampleFieldCount: number;
  traceFunctionInfoFieldCount: number;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function requiredOffset(fields: string[], name: string, listName: string): number {
  const offset = fields.indexOf(name);
  if (offset < 0) throw new SnapshotFormatError(`snapshot.meta.${listName} has no "${name}" field`);
  return offset;
}

/** The type-name list of a meta type entry: its first element when it is an enum list. */
function enumTypeNames(types: unknown[], fieldOffset: number, listName: string): string[] {
  const names = types[fieldOffset];
  if (!isStringArray(names)) {
    throw new SnapshotFormatError(`snapshot.meta.${listName}[${fieldOffset}] is not a list of type names`);
  }
  return names;
}

export function validateHeader(header: unknown): RawSnapshotHeader {
  if (typeof header !== 'object' || header === null) {
    throw new SnapshotFormatError('"snapshot" is not an object');
  }
  const meta = (header as { meta?: unknown }).meta;
  if (typeof meta !== 'object' || meta === null) throw new SnapshotFormatError('snapshot.meta is missing');
  const rawMeta = meta as Record<string, unknown>;
  for (const key of ['node_fields', 'edge_fields'] as const) {
    if (!isStringArray(rawMeta[key]))
      throw new SnapshotFormatError(`snapshot.meta.${key} is missing or not a list`);
  }
  for (const key of ['node_types', 'edge_types'] as const) {
    if (!Array.isArray(rawMeta[key]))
      throw new SnapshotFormatError(`snapshot.meta.${key} is missing or not a list`);
  }
  return header as RawSnapshotHeader;
}

export function resolveLayout(meta: RawSnapshotMeta, nodeFields = meta.node_fields): SnapshotLayout {
  const edgeFields = meta.edge_fields;
  if (nodeFields.length === 0) throw new SnapshotFormatError('snapshot.meta.node_fields is empty');
  if (edgeFields.length === 0) throw new SnapshotFormatError('snapshot.meta.edge_fields is empty');
  const nodeTypeOffset = requiredOffset(nodeFields, 'type', 'node_fields');
  const edgeTypeOffset = requiredOffset(edgeFields, 'type', 'edge_fields');
  const locationFields = isStringArray(meta.location_fields) ? meta.location_fields : [];
  return {
    nodeFields,
    nodeFieldCount: nodeFields.length,
    fileNodeFieldCount: meta.node_fields.length,
    edgeFieldCount: edgeFields.length,
    nodeTypeOffset,
    nodeNameOffset: requiredOffset(nodeFields, 'name', 'node_fields'),
    nodeIdOffset: requiredOffset(nodeFields, 'id', 'node_fields'),
    nodeSelfSizeOffset: requiredOffset(nodeFields, 'self_size', 'node_fields'),
    nodeEdgeCountOffset: requiredOffset(nodeFields, 'edge_count', 'node_fields'),
    nodeTraceNodeIdOffset: nodeFields.indexOf('trace_node_id'),
    nodeDetachednessOffset: nodeFields.indexOf('detachedness'),
    edgeTypeOffset,
    edgeNameOffset: requiredOffset(edgeFields, 'name_or_index', 'edge_fields'),
    edgeToNodeOffset: requiredOffset(edgeFields, 'to_node', 'edge_fields'),
    nodeTypes: enumTypeNames(meta.node_types, nodeTypeOffset, 'node_types'),
    edgeTypes: enumTypeNames(meta.edge_types, edgeTypeOffset, 'edge_types'),
    locationFieldCount: locationFields.length,
    locationObjectIndexOffset: locationFields.indexOf('object_index'),
    sampleFieldCount: isStringArray(meta.sample_fields) ? meta.sample_fields.length : 0,
    traceFunctionInfoFieldCount: isStringArray(meta.trace_function_info_fields)
      ? meta.trace_function_info_fields.length
      : 0,
  };
}
