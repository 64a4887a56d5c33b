// Run: node --experimental-vm-modules node_modules/jest/bin/jest.js --rootDir examples/jest   (one test passes, one fails: it leaks)
import { leakMatchers } from 'heapdrift/testing';
import { expect, test } from '@jest/globals';
import { handleRequest, handleRequestLeaky } from './subscriptions.mjs';

expect.extend(leakMatchers);

// A leak test takes seconds (more in a big heap or on a busy machine); its own timeout is 120 s.
test('handleRequest does not leak', async () => {
  await expect(() => handleRequest(1)).not.toLeak();
}, 180_000);

test('handleRequestLeaky does not leak (it does: a listener per call)', async () => {
  await expect(() => handleRequestLeaky(1)).not.toLeak();
}, 180_000);
