'use strict';
// Negative control, JIT-heavy: every call compiles fresh functions from new source (new
// SharedFunctionInfos, feedback and optimized code), runs them hot on objects of many shapes,
// and drops them. Code and feedback churn; nothing of the program is kept.

let sink = 0;

function iteration(i) {
  const shapes = 1 + (i % 6);
  let source = '';
  for (let s = 0; s < shapes; s++) source += `function Shape${s}(v) { this.v = v; this.f${s} = ${s}; }\n`;
  source += `const makers = [${Array.from({ length: shapes }, (_, s) => `Shape${s}`).join(', ')}];\n`;
  source += `function sum(o) { let t = 0; for (let k = 0; k < 50; k++) t = (t + o.v * k) | 0; return t; }\n`;
  source += `let total = ${i};\nfor (let n = 0; n < 400; n++) total ^= sum(new makers[n % makers.length](n));\nreturn total;`;
  sink ^= new Function(source)();
}

module.exports = { iteration, result: () => sink };
