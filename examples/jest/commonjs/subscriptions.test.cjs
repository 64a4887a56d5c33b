// CommonJS tests require() the ES module heapdrift/testing: jest serves require(esm) itself on
// Node 24.9+ when run with --experimental-vm-modules (see the README):
// node --experimental-vm-modules node_modules/jest/bin/jest.js --rootDir examples/jest/commonjs
const { leakMatchers } = require('heapdrift/testing');
const { handleRequest, handleRequestLeaky } = require('./subscriptions.cjs');

expect.extend(leakMatchers);

test('handleRequest does not leak', async () => {
  await expect(() => handleRequest(1)).not.toLeak();
}, 180_000);

test('handleRequestLeaky does not leak (it does: a listener per call)', async () => {
  await expect(() => handleRequestLeaky(1)).not.toLeak();
}, 180_000);
