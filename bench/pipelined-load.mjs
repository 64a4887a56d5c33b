// Saturating loopback load for the monitor-overhead benchmark: a few keep-alive connections,
// each holding `depth` HTTP/1.1 requests in flight (pipelined), answered by counting response
// status lines. Far cheaper per request than an HTTP client library, so one CPU of load can
// keep the service's CPU busy and throughput measures the service, not the load generator.
//   node bench/pipelined-load.mjs <port> <path> <connections> <depth> <duration ms>

import { connect } from 'node:net';

const [port, path, connections, depth, durationMs] = process.argv.slice(2);
const request = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
const STATUS_LINE = 'HTTP/1.1 ';
const until = Date.now() + Number(durationMs);

function drive() {
  const socket = connect({ port: Number(port), host: '127.0.0.1', noDelay: true });
  // A status line may be split between two chunks: keep the end of the previous one.
  let tail = '';
  socket.setEncoding('latin1');
  socket.on('connect', () => socket.write(request.repeat(Number(depth))));
  socket.on('data', (chunk) => {
    const text = tail + chunk;
    let answered = 0;
    for (let at = text.indexOf(STATUS_LINE); at !== -1; at = text.indexOf(STATUS_LINE, at + 1)) answered++;
    tail = text.slice(-(STATUS_LINE.length - 1));
    // The kept tail is too short to hold a whole status line, so no line is counted twice.
    if (Date.now() < until && answered > 0) socket.write(request.repeat(answered));
    else if (Date.now() >= until) socket.end();
  });
  socket.on('error', (error) => {
    process.stderr.write(`pipelined-load: ${error.message}\n`);
    process.exit(1);
  });
}

for (let index = 0; index < Number(connections); index++) drive();
