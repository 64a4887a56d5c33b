// Loads an optional peer dependency (prom-client, @opentelemetry/api) only when its exporter
// is asked for, so the monitor works without them; a missing one is a UserError that says
// what to install.

import { UserError } from '../errors.js';

export async function loadPeer<Module>(name: string, purpose: string): Promise<Module> {
  try {
    return (await import(name)) as Module;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new UserError(
      `heapdrift monitor: ${purpose} needs the package ${name}; install it (npm install ${name}) or pass your own`,
      'ERR_HEAPDRIFT_MONITOR_PEER_MISSING',
    );
  }
}
