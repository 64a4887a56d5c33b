'use strict';
// Leak in a plain script (growth over time): an HTTP server on loopback with a keep-alive
// client; the server remembers every Nth request's id and path in a list it never trims.

const http = require('node:http');
const { startClients } = require('../lib/loopback-client.cjs');

const every = Number(process.env.HEAPDRIFT_CORPUS_EVERY || 5);
const requestHistory = [];
let served = 0;

const server = http.createServer((request, response) => {
  if (served++ % every === 0) requestHistory.push({ url: request.url, at: served });
  response.end('ok');
});

startClients(server, 50);
