import { readFile } from 'node:fs/promises';
import type { Document, Node } from 'yaml';
import type { z } from 'zod';
import { lazyPackage } from '../bot/kernel/lazy-package';
import { hasControlCharacters } from '../bot/kernel/sanitize';
import { formatPath, type Scenario, scenarioSchema } from './schema';

const yaml = lazyPackage<typeof import('yaml')>('yaml');

export interface ScenarioError {
  file: string;
  line: number;
  column: number;
  /** Dotted path of the offending node, e.g. `units[0].children[1].code`; empty for YAML syntax errors. */
  field: string;
  message: string;
}

/** Where a field of the file is, for errors found after parsing (e.g. against the database). */
export type Locate = (path: readonly (string | number)[]) => { file: string; line: number; column: number };

export type ScenarioResult =
  | { ok: true; scenario: Scenario; locate: Locate }
  | { ok: false; errors: ScenarioError[] };

/** Reads and validates a scenario file. I/O failures (missing file, permissions) throw. */
export async function loadScenarioFile(path: string): Promise<ScenarioResult> {
  return parseScenario(await readFile(path, 'utf8'), path);
}

export function parseScenario(text: string, fileName: string): ScenarioResult {
  const { LineCounter, parseDocument, visit } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: fileName, line, column: col };
  };

  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((error) => ({
        ...at(error.pos[0]),
        field: '',
        message: `invalid YAML: ${error.message}`,
      })),
    };
  }

  // An alias inside the node it refers to (a unit that is its own child) would recurse forever.
  const cycles: ScenarioError[] = [];
  visit(doc, {
    Alias(_, alias, path) {
      const target = alias.resolve(doc);
      if (target && path.includes(target as never)) {
        cycles.push({
          ...at(alias.range?.[0] ?? 0),
          field: '',
          message: `the alias *${alias.source} refers to a node that contains it (a cycle)`,
        });
      }
    },
  });
  if (cycles.length > 0) return { ok: false, errors: cycles };

  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // Alias bombs and the like: yaml refuses to expand them.
    return {
      ok: false,
      errors: [{ ...at(0), field: '', message: `invalid YAML: ${(error as Error).message}` }],
    };
  }
  const controls = [...controlCharacters(data, [])].map((path) => ({
    ...at(nodeOffset(doc, path)),
    field: formatPath(path),
    message: 'contains a control character (such as \\0): remove it',
  }));
  const parsed = scenarioSchema.safeParse(data, { reportInput: true, error: describeIssue });
  if (parsed.success && controls.length > 0) return { ok: false, errors: controls };
  if (parsed.success) {
    return { ok: true, scenario: parsed.data, locate: (path) => at(nodeOffset(doc, [...path])) };
  }

  const errors = parsed.error.issues.flatMap((issue): ScenarioError[] => {
    const path = issue.path.filter((part) => typeof part !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        ...at(keyOffset(doc, path, key)),
        field: formatPath([...path, key]),
        message: `unknown key "${key}"`,
      }));
    }
    return [{ ...at(nodeOffset(doc, path)), field: formatPath(path), message: issue.message }];
  });
  // Cross references are checked by the schema only once the structure is right; unknown units
  // are reported now as well, so the author sees every error at once.
  const all = [
    ...errors,
    ...controls,
    ...unknownUnitsOf(data).map(({ path, code }) => ({
      ...at(nodeOffset(doc, path)),
      field: formatPath(path),
      message: `unknown unit "${code}" (not defined under units:)`,
    })),
  ];
  const unique = new Map(all.map((e) => [`${e.line}:${e.column}:${e.message}`, e]));
  return { ok: false, errors: [...unique.values()].sort((a, b) => a.line - b.line || a.column - b.column) };
}

function* controlCharacters(value: unknown, path: (string | number)[]): Generator<(string | number)[]> {
  if (typeof value === 'string') {
    if (hasControlCharacters(value)) yield path;
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) yield* controlCharacters(item, [...path, i]);
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (hasControlCharacters(key)) yield [...path, key];
      yield* controlCharacters(item, [...path, key]);
    }
  }
}

/** Role and chat units not defined under units:, read defensively from data that failed the schema. */
function unknownUnitsOf(data: unknown): { path: (string | number)[]; code: string }[] {
  const root = (data ?? {}) as Record<string, unknown>;
  const codes = new Set<string>();
  const walk = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const unit of list) {
      if (unit && typeof unit === 'object') {
        const { code, children } = unit as { code?: unknown; children?: unknown };
        if (typeof code === 'string') codes.add(code);
        walk(children);
      }
    }
  };
  walk(root.units);
  if (!Array.isArray(root.units)) return [];
  const found: { path: (string | number)[]; code: string }[] = [];
  const check = (code: unknown, path: (string | number)[]) => {
    if (typeof code === 'string' && !codes.has(code)) found.push({ path, code });
  };
  if (Array.isArray(root.people)) {
    for (const [i, person] of root.people.entries()) {
      const roles = (person as { roles?: unknown } | null)?.roles;
      if (!Array.isArray(roles)) continue;
      for (const [j, grant] of roles.entries()) {
        check((grant as { unit?: unknown } | null)?.unit, ['people', i, 'roles', j, 'unit']);
      }
    }
  }
  if (Array.isArray(root.chats)) {
    for (const [i, chat] of root.chats.entries())
      check((chat as { unit?: unknown } | null)?.unit, ['chats', i, 'unit']);
  }
  return found;
}

/** `scenarios/x.yaml:12:7 units[0].code: must match … (got "cb 1")`, one line per error. */
export function formatErrors(errors: readonly ScenarioError[]): string {
  return errors
    .map((e) => `${e.file}:${e.line}:${e.column} ${e.field ? `${e.field}: ` : ''}${e.message}`)
    .join('\n');
}

/** Start of the node at `path`, or of its nearest existing ancestor (a missing key points at its map). */
function nodeOffset(doc: Document, path: (string | number)[]): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as Node | undefined;
    if (node?.range) return node.range[0];
  }
  return 0;
}

function keyOffset(doc: Document, mapPath: (string | number)[], key: string): number {
  const map = doc.getIn(mapPath, true);
  const { isMap, isScalar } = yaml();
  if (isMap(map)) {
    const pair = map.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
    if (isScalar(pair?.key) && pair.key.range) return pair.key.range[0];
  }
  return nodeOffset(doc, mapPath);
}

const YAML_TYPE_NAMES: Record<string, string> = {
  object: 'a map (key: value)',
  array: 'a list',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

/** Wording for zod's generic issues; messages set in the schema take precedence. */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${YAML_TYPE_NAMES[issue.expected] ?? issue.expected} (got ${describeValue(issue.input)})`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')} (got ${describeValue(issue.input)})`;
    case 'too_small':
      return issue.origin === 'array' ? `must have at least ${issue.minimum} item(s)` : undefined;
    default:
      return undefined;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return JSON.stringify(value);
}
