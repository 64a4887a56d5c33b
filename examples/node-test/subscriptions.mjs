// The code under test: a request handler that subscribes to a shared event bus. The leaky
// version never unsubscribes, so every request leaves one listener (a closure) behind.
import { EventEmitter } from 'node:events';

export const bus = new EventEmitter();
bus.setMaxListeners(0);

export function handleRequest(id) {
  const onShutdown = () => id;
  bus.on('shutdown', onShutdown);
  const result = `handled ${id}`;
  bus.off('shutdown', onShutdown);
  return result;
}

export function handleRequestLeaky(id) {
  bus.on('shutdown', () => id);
  return `handled ${id}`;
}
