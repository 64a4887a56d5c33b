// Loopback load for the monitor-overhead benchmark, light enough that one CPU of load drives
// the service harder than it can serve: keep-alive connections with pipelined HTTP/1.1
// requests, answers counted from their status lines. Two modes:
//   rate 0: saturate, each connection keeping `depth` requests in flight;
//   rate R: R requests a second in all, sent every 10 ms; a late tick sends its share but never
//           a backlog (a busy load CPU would otherwise send bursts that change the service's
//           CPU per request).
//   node bench/pipelined-load.mjs <port> <path> <connections> <depth> <duration ms> <rate>

import { connect } from 'node:net';

const [port, path, connections, depth, durationMs, rateText] = process.argv.slice(2);
const rate = Number(rateText ?? 0);
const request = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
const STATUS_LINE = 'HTTP/1.1 ';
const TICK_MS = 10;
const started = Date.now();
const until = started + Number(durationMs);

function open(onAnswers) {
  const socket = connect({ port: Number(port), host: '127.0.0.1', noDelay: true });
  // A status line may be split between two chunks: keep the end of the previous one (too
  // short to hold a whole status line, so none is counted twice).
  let tail = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk) => {
    const text = tail + chunk;
    let answered = 0;
    for (let at = text.indexOf(STATUS_LINE); at !== -1; at = text.indexOf(STATUS_LINE, at + 1)) answered++;
    tail = text.slice(-(STATUS_LINE.length - 1));
    onAnswers(socket, answered);
  });
  socket.on('error', (error) => {
    process.stderr.write(`pipelined-load: ${error.message}\n`);
    process.exit(1);
  });
  return socket;
}

function saturate() {
  for (let index = 0; index < Number(connections); index++) {
    const socket = open((self, answered) => {
      if (Date.now() >= until) self.end();
      else if (answered > 0) self.write(request.repeat(answered));
    });
    socket.on('connect', () => socket.write(request.repeat(Number(depth))));
  }
}

function paced() {
  const sockets = Array.from({ length: Number(connections) }, () => open(() => {}));
  const perTick = (rate * TICK_MS) / 1000;
  let sent = 0;
  let next = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    if (now >= until) {
      clearInterval(timer);
      for (const socket of sockets) socket.end();
      return;
    }
    const due = ((now - started) * rate) / 1000;
    // Behind by more than a tick's share: drop the backlog rather than burst.
    if (due - sent > 2 * perTick) sent = due - perTick;
    while (sent + 1 <= due) {
      sockets[next].write(request);
      next = (next + 1) % sockets.length;
      sent++;
    }
  }, TICK_MS);
}

if (rate > 0) paced();
else saturate();
