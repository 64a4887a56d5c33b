// Kept so code written against the old location still builds: the formatting functions live in
// src/format/ now (one module for growth, reports, the CLI and the HTML page).

export * from '../format/index.js';
