'use strict';
// Reproducer of the V8 retained_maps leak of Node.js 22.0.0–22.14.x (nodejs/node#57412, fixed
// by V8 c172ffc5bf54): NativeContext → retained_maps (a WeakArrayList) grows without bound.
// Plain JavaScript that runs unchanged on Node.js 20–26 under `node --expose-gc`.

// How the leak works (V8 12.x heap.cc, Heap::AddRetainedMaps): every optimized compile appends
// the maps its code embeds to retained_maps in one batch, and dead entries are compacted away
// only when the list is *exactly* full; a batch that overflows a not-quite-full list grows it by
// half instead. So the list grows when (1) optimized compiles keep coming, (2) each embeds maps
// that die soon after, and (3) batch sizes vary, so the length rarely lands on the capacity.
//
// One iteration = one pass in a fresh copy of the loop function (new source → new
// SharedFunctionInfos and feedback, so V8 must compile again). Each pass builds a few groups of
// constructors, puts their instances in a WeakSet (as the upstream reproducer does) and feeds
// them to a per-group reader whose small arithmetic loop makes TurboFan pick it up within a few
// dozen calls; the reader's code embeds the group's maps. Group sizes vary pseudo-randomly
// (fixed seed, same sequence every run). gc() after each pass lets the maps die.
//
// Every reader also reads one long-lived PassSettings object. Its map stays in the list, so
// each batch reserves space for one map it does not append: the length then never lands
// exactly on the capacity, 22.14 never compacts, and every overflow grows the list (without
// it, about one growth step in five was lost to an exact fit; see README.md).
//
// Why not the upstream loop itself: it is optimized by on-stack replacement only after
// thousands of steps, and the OSR code is often collected by the next gc() before it is
// entered, so growth is slow and depends on timing (measured: no growth in 40 passes of 100
// steps on 22.14.0 on a loaded machine). See README.md for the measurements.

const parameters = {
  /** Constructor groups (each with its own reader function, i.e. one compile) per pass. */
  groups: 8,
  /** Reader calls per group per pass: enough for the reader to reach TurboFan. */
  calls: 120,
  /** Arithmetic steps inside the reader: spends interrupt budget so tier-up comes early. */
  padding: 100,
  /** Full GCs after each pass (the maps of the pass must die for the fixed V8 to stay flat). */
  collections: 1,
  /** Objects each reader reads, each of 1–4 shapes (kept polymorphic so all are embedded):
   *  3–12 fresh maps per compile. */
  sites: 3,
  /** Seed of the group-size sequence. */
  seed: 42,
};

// Up to 4 shapes per property site stay polymorphic (V8's limit), so their maps are embedded.
const maximumShapesPerSite = 4;

// Long-lived: its map is embedded by every reader and never dies (see above).
class PassSettings {
  constructor() {
    this.scale = 3;
  }
}

let weakInstances = null;
let settings = null;
let randomState = 0;
let sink = 0;

function nextShapeCount() {
  randomState = (Math.imul(randomState, 1103515245) + 12345) >>> 0;
  return 1 + ((randomState >>> 16) % maximumShapesPerSite);
}

function groupSource(group) {
  let code = '';
  const sites = [];
  for (let site = 0; site < parameters.sites; site++) {
    const shapes = nextShapeCount();
    const constructors = [];
    for (let shape = 0; shape < shapes; shape++) {
      const name = `C${group}_${site}_${shape}`;
      constructors.push(name);
      // Distinct last property names give each constructor its own final map.
      code += `function ${name}(v) { this.a = v; this.b = 'b'; this.p${shape} = ${shape}; }\n`;
    }
    sites.push(constructors);
  }
  const parameterNames = sites.map((_, site) => `o${site}`).join(', ');
  const reads = sites.map((_, site) => `(o${site}.a | 0)`).join(' + ');
  code += `function read${group}(${parameterNames}, settings) {
    let sum = ${reads} + settings.scale;
    for (let k = 0; k < padding; k++) sum = (sum * 31 + k) | 0;
    return sum;
  }\n`;
  code += sites.map((constructors, site) => `const s${site} = [${constructors.join(', ')}];\n`).join('');
  code += 'for (let n = 0; n < calls; n++) {\n';
  for (let site = 0; site < sites.length; site++) {
    code += `  const o${site} = new s${site}[n % s${site}.length](n); weakInstances.add(o${site});\n`;
  }
  code += `  result ^= read${group}(${parameterNames}, settings);\n}\n`;
  return code;
}

function passSource(iteration) {
  // The iteration number makes each copy's source unique, so V8 cannot reuse the previous
  // copy's SharedFunctionInfo (compilation cache) or its feedback.
  let code = `/* heapdrift retained-maps pass ${iteration} */\nlet result = 0;\n`;
  for (let group = 0; group < parameters.groups; group++) code += `{\n${groupSource(group)}}\n`;
  return `${code}return result;`;
}

function setup() {
  if (typeof globalThis.gc !== 'function') {
    throw new Error('retained-maps needs `node --expose-gc` (global gc())');
  }
  weakInstances = new WeakSet();
  settings = new PassSettings();
  randomState = parameters.seed >>> 0;
  sink = 0;
}

function iteration(i) {
  if (weakInstances === null) setup();
  const pass = new Function('weakInstances', 'calls', 'padding', 'settings', passSource(i));
  sink ^= pass(weakInstances, parameters.calls, parameters.padding, settings);
  for (let c = 0; c < parameters.collections; c++) globalThis.gc();
}

function teardown() {
  weakInstances = null;
}

module.exports = {
  meta: {
    description:
      'Fresh constructors and freshly optimized readers every pass, instances in a WeakSet, gc() after each pass: NativeContext > retained_maps grows on Node 22.0.0–22.14.x and stays bounded elsewhere.',
  },
  parameters,
  setup,
  iteration,
  teardown,
  /** Folded results of the passes, so no work can be optimized away. */
  result: () => sink,
};
