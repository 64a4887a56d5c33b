// The path-pattern language of `heapdrift query`: a readable path of edge and node names such
// as `NativeContext > retained_maps` or `(GC roots) > … > Map > table`, parsed once into steps
// that the query engine (query.ts) turns into string-index sets.

/**
 * Grammar (whitespace around steps is ignored):
 *
 *   pattern   = [ ">" ] step { ">" step }
 *   step      = "*"                      exactly one edge, any name (weak edges included)
 *             | "**" | "…" | "..."       any number of edges, zero included (weak edges not followed)
 *             | "[" digits "]"           an element or hidden edge with that index
 *             | "edge:" name             an edge with that name
 *             | "node:" name             an edge whose target node has that name or class name
 *             | name                     either of the two above
 *   name      = characters other than ">" (write "\>" for ">" and "\\" for "\"); a "*" inside a
 *               name matches any run of characters (`system / *Array*`)
 *
 * A node matches a name when its class name is the name (`Map`, `(system)`, `(closure)`), or its
 * node name is the name, or its node name is `system / <name>` — so `NativeContext` matches the
 * node named `system / NativeContext`. Names of string nodes (their contents) never match; match
 * strings by their class, `(string)`. An edge matches a name when its name is the name; an
 * element or hidden edge when the name is its index (`3` or `[3]`).
 *
 * Every step after the first moves along one edge, and matches when the edge's name or the
 * target node's name matches. The first step picks where matches start: unanchored (the
 * default), any node whose name matches or that some edge with a matching name points to; with a
 * leading ">", only the root's children (`> (GC roots) > …`). A match is the node the last step
 * ends on.
 */
export const PATH_PATTERN_GRAMMAR = `A path pattern is steps separated by ">":
  name          an edge with that name, or an edge to a node with that name or class name
                (a node named "system / X" also matches X; "*" inside a name matches any text)
  edge:name     an edge with that name only      node:name   a target node name/class only
  [3]           an element or hidden edge with that index
  *             exactly one edge, any name
  **  or  …     any number of edges, zero included (weak edges not followed)
The first step may be any node (or an edge into it); start with ">" to begin at the root's
children. Write "\\>" for a literal ">". Examples:
  NativeContext > retained_maps
  (GC roots) > … > Map > table
  > (GC roots) > * > system / NativeContext > edge:retained_maps`;

export type NameTarget = 'edge-or-node' | 'edge' | 'node';

export type PatternStep =
  /** A name (or glob) to match against edge names and/or node names and class names. */
  | { kind: 'name'; text: string; target: NameTarget }
  /** `*`: one edge, whatever its name. */
  | { kind: 'any-edge' }
  /** `**`, `…`: any number of edges, zero included. */
  | { kind: 'any-path' };

export interface PathPattern {
  source: string;
  /** True when the pattern starts with ">" (matches start at the root's children). */
  anchored: boolean;
  steps: PatternStep[];
}

/** A pattern that does not follow the grammar; the message says what and where. */
export class PathPatternError extends Error {
  override readonly name = 'PathPatternError';
}

export function parsePathPattern(source: string): PathPattern {
  const trimmed = source.trim();
  if (trimmed === '') throw new PathPatternError('the path is empty');
  const anchored = trimmed.startsWith('>');
  const texts = splitSteps(anchored ? trimmed.slice(1) : trimmed);
  const steps = texts.map((text, position) => parseStep(text, position));
  if (steps.every((step) => step.kind === 'any-path' || step.kind === 'any-edge') && !anchored) {
    throw new PathPatternError('the path names nothing: it has only wildcards, so it would match every node');
  }
  return { source, anchored, steps: collapseAnyPaths(steps) };
}

/** Splits at unescaped ">", undoing the escapes `\>` and `\\`. */
function splitSteps(text: string): string[] {
  const steps: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\' && (text[i + 1] === '>' || text[i + 1] === '\\')) {
      current += `\0${text[i + 1]}`;
      i++;
    } else if (char === '>') {
      steps.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  steps.push(current);
  return steps;
}

function parseStep(raw: string, position: number): PatternStep {
  // Escaped characters are still marked with \0 here, so an escaped ">" cannot end a step.
  const text = raw.trim();
  const where = `step ${position + 1}`;
  if (text === '') throw new PathPatternError(`${where} is empty (two ">" in a row, or a ">" at an end)`);
  if (text === '*') return { kind: 'any-edge' };
  if (text === '**' || text === '…' || text === '...') return { kind: 'any-path' };
  const index = /^\[(\d+)\]$/.exec(text);
  // An index is the name of an element or hidden edge, or of a weak list slot (`0`, `2`…).
  if (index) return { kind: 'name', text: index[1]!, target: 'edge' };
  if (text.startsWith('[') && text.endsWith(']')) {
    throw new PathPatternError(`${where} "${text}" is not an index: write [N] with N a whole number`);
  }
  for (const target of ['edge', 'node'] as const) {
    if (text.startsWith(`${target}:`)) {
      const name = removeEscapes(text.slice(target.length + 1).trim());
      if (name === '') throw new PathPatternError(`${where} "${text}" has no name after "${target}:"`);
      return { kind: 'name', text: name, target };
    }
  }
  return { kind: 'name', text: removeEscapes(text), target: 'edge-or-node' };
}

function removeEscapes(text: string): string {
  return text.replace(/\0(.)/g, '$1');
}

/** `** > **` means the same as `**`; keeping one avoids a second, useless closure pass. */
function collapseAnyPaths(steps: PatternStep[]): PatternStep[] {
  return steps.filter((step, i) => !(step.kind === 'any-path' && steps[i - 1]?.kind === 'any-path'));
}

/** True when a step's name is a glob (`*` inside a name matches any run of characters). */
export function isGlob(text: string): boolean {
  return text.includes('*');
}

/** A glob as a whole-string regular expression; `optionalPrefix` may precede the match. */
export function globToRegExp(text: string, optionalPrefix = ''): RegExp {
  const escapeRegExp = (part: string) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  const body = text.split('*').map(escapeRegExp).join('.*');
  const prefix = optionalPrefix === '' ? '' : `(?:${escapeRegExp(optionalPrefix)})?`;
  return new RegExp(`^${prefix}${body}$`, 's');
}
