// Run: node --test examples/node-test/subscriptions.test.mjs   (one test passes, one fails: it leaks)
import { test } from 'node:test';
import { expectNoLeak } from 'heapdrift/testing';
import { handleRequest, handleRequestLeaky } from './subscriptions.mjs';

test('handleRequest does not leak', async (t) => {
  const evidence = await expectNoLeak(() => handleRequest(1));
  t.diagnostic(`${evidence.objectsPerCall.toFixed(2)} objects per call, ${evidence.verdict}`);
});

test('handleRequestLeaky does not leak (it does: a listener per call)', async () => {
  await expectNoLeak(() => handleRequestLeaky(1));
});
