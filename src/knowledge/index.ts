// Known Node.js runtime leaks: entries with affected ranges per release line, each backed by
// committed matrix/bisect records that heapdrift measured (see README.md for the schema).

export { compactMeasurement, compactRun, measurementText } from './compact.js';
export { explainWith } from './explain.js';
export {
  defaultKnowledgeDir,
  type LoadedEntry,
  loadEntry,
  loadKnowledgeBase,
  type MeasurementRecord,
} from './load.js';
export { answerFor, answersFor, type KnowledgeAnswer, type KnowledgeStatus } from './lookup.js';
export {
  KNOWLEDGE_SCHEMA_VERSION,
  type KnowledgeEntry,
  type LineEntry,
  type Measurement,
  parseEntry,
  type UpstreamReference,
} from './schema.js';
export { supportProblems } from './support.js';
