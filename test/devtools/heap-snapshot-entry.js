// Entry point of the Chrome DevTools heap snapshot bundle used as an independent reference:
// DevTools' own loader and analyses (npm chrome-devtools-frontend), bundled for Node by
// scripts/build-devtools-harness.mjs. Plain JS so that tsc never type-checks DevTools' tree.

import { HeapSnapshotLoader } from 'chrome-devtools-frontend/front_end/entrypoints/heap_snapshot_worker/HeapSnapshotLoader.js';

/**
 * Loads a snapshot file's text the way the DevTools worker does and returns the initialised
 * JSHeapSnapshot. `withInterfaces: false` undoes DevTools' grouping of plain objects by
 * property "interfaces" (`{a, b}`), so plain objects are classed by constructor name.
 */
export async function loadDevToolsSnapshot(text, options = {}) {
  const chunkSize = 1 << 20;
  const chunks = [];
  for (let offset = 0; offset < text.length; offset += chunkSize)
    chunks.push(text.slice(offset, offset + chunkSize));
  return loadDevToolsSnapshotFromChunks(chunks, options);
}

/** Same, from string chunks (an iterable or async iterable), for files past V8's string limit. */
export async function loadDevToolsSnapshotFromChunks(chunks, { withInterfaces = false } = {}) {
  const problems = [];
  const dispatcher = {
    sendEvent: (name, data) => {
      if (name === 'BrokenSnapshot') problems.push(data);
    },
  };
  const loader = new HeapSnapshotLoader(dispatcher);
  for await (const chunk of chunks) loader.write(chunk);
  loader.close();
  const channel = new MessageChannel();
  const { SecondaryInitManager } = await import(
    'chrome-devtools-frontend/front_end/entrypoints/heap_snapshot_worker/HeapSnapshot.js'
  );
  new SecondaryInitManager(channel.port2);
  // DevTools reports unreachable nodes with console.warn; keep them as data instead.
  const warn = console.warn;
  console.warn = (message) => problems.push(String(message));
  let snapshot;
  try {
    snapshot = await loader.buildSnapshot(channel.port1);
  } finally {
    console.warn = warn;
    channel.port1.close();
    channel.port2.close();
  }
  if (!withInterfaces) snapshot.applyInterfaceDefinitions([]);
  return { snapshot, problems };
}
