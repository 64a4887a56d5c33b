// Builds a realistic heap of roughly SCALE units (many classes, strings, arrays, Maps, Sets,
// closures, typed arrays) and writes one heap snapshot to the path given as argv[2].
// Plain JavaScript: it runs as a child process under the machine's Node.js.
'use strict';
const v8 = require('node:v8');
const out = process.argv[2];
const scale = Number(process.argv[3] || 1);
const classes = [];
for (let c = 0; c < 200; c++) {
  // Distinct constructor names, as in a real application.
  classes.push(
    new Function(
      `return class Model${c} { constructor(i) { this.id = i; this.name = 'm' + i; this.tags = []; } }`,
    )(),
  );
}
const world = {
  models: [],
  byId: new Map(),
  names: new Set(),
  closures: [],
  buffers: [],
  text: [],
};
// Held by the global object so that everything is live when the snapshot is written.
globalThis.__benchWorld = world;
const units = Math.round(25000 * scale);
for (let i = 0; i < units; i++) {
  const Model = classes[i % classes.length];
  const model = new Model(i);
  model.tags.push(`tag-${i % 97}`, { weight: i % 13, label: `label "${i}"\n` });
  model.child = { parent: model, values: [i, i + 1, i + 2], when: new Date(0) };
  world.models.push(model);
  world.byId.set(`id:${i}`, model);
  if (i % 3 === 0) world.names.add(`name-${i}-ünï-${String.fromCharCode(0x4e00 + (i % 500))}`);
  if (i % 5 === 0) world.closures.push(() => model.id + i);
  if (i % 50 === 0) world.buffers.push(new Float64Array(16));
  if (i % 7 === 0) world.text.push('x'.repeat(i % 200) + i);
}
globalThis.gc?.();
v8.writeHeapSnapshot(out);
