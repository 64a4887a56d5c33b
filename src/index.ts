// heapdrift as a library: the same functions the CLI uses, one folder per concern.

export * from './analysis/index.js';
export { type ErrorCode, isUserError, UserError } from './errors.js';
export * from './format/index.js';
export * from './growth/index.js';
export * from './run/index.js';
export * from './runtimes/index.js';
export * from './snapshot/index.js';
export { HEAPDRIFT_VERSION } from './version.js';
