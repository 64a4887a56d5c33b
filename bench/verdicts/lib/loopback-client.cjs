'use strict';
// Shared by the corpus's HTTP programs: four keep-alive clients on loopback that send GET
// requests one after another (2 ms apart) to a server, forever. Not a scenario of its own.

const http = require('node:http');

function startClients(server, pathCount) {
  server.listen(0, '127.0.0.1', () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const { port } = server.address();
    let next = 0;
    const send = () => {
      const path = `/items/${next++ % pathCount}`;
      const request = http.get({ host: '127.0.0.1', port, path, agent }, (response) => {
        response.resume();
        response.on('end', () => setTimeout(send, 2));
      });
      request.on('error', () => setTimeout(send, 50));
    };
    for (let client = 0; client < 4; client++) send();
  });
}

module.exports = { startClients };
