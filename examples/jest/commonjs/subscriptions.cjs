// The code under test: a request handler that subscribes to a shared event bus. The leaky
// version never unsubscribes, so every request leaves one listener (a closure) behind.
const { EventEmitter } = require('node:events');

const bus = new EventEmitter();
bus.setMaxListeners(0);

function handleRequest(id) {
  const onShutdown = () => id;
  bus.on('shutdown', onShutdown);
  const result = `handled ${id}`;
  bus.off('shutdown', onShutdown);
  return result;
}

function handleRequestLeaky(id) {
  bus.on('shutdown', () => id);
  return `handled ${id}`;
}

module.exports = { bus, handleRequest, handleRequestLeaky };
