'use strict';
// Negative control, a real HTTP server and client on loopback (a plain script): keep-alive
// sockets, a bounded response cache of 200 entries, nothing kept per request.

const http = require('node:http');
const { startClients } = require('../lib/loopback-client.cjs');

const cache = new Map();
const server = http.createServer((request, response) => {
  let body = cache.get(request.url);
  if (body === undefined) {
    body = JSON.stringify({ path: request.url, items: [1, 2, 3] });
    cache.set(request.url, body);
    if (cache.size > 200) cache.delete(cache.keys().next().value);
  }
  response.setHeader('content-type', 'application/json');
  response.end(body);
});

startClients(server, 500);
