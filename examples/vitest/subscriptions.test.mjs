// Run: npx vitest run --root examples/vitest   (one test passes, one fails: it leaks)
import { leakMatchers } from 'heapdrift/testing';
import { expect, test } from 'vitest';
import { handleRequest, handleRequestLeaky } from './subscriptions.mjs';

expect.extend(leakMatchers);

// A leak test takes about a second; a failing one also takes a heap snapshot: allow 30 s.
test('handleRequest does not leak', async () => {
  await expect(() => handleRequest(1)).not.toLeak();
}, 30_000);

test('handleRequestLeaky does not leak (it does: a listener per call)', async () => {
  await expect(() => handleRequestLeaky(1)).not.toLeak();
}, 30_000);
