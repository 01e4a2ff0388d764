// MLflow's search filter language, for runs in the local store (a server
// evaluates filters itself): comparisons joined by AND, e.g.
//   params.lr = '0.1' and metrics.psnr > 30 and tags.`kdlab.role` != 'teacher'
//   attributes.status = 'FINISHED' and attributes.run_name LIKE 'sr-%'
import { TrackingValidationError } from './errors';
import type { Run } from './types';

type Value = string | number | (string | number)[];
interface Clause {
  entity: 'metrics' | 'params' | 'tags' | 'attributes';
  key: string;
  op: string;
  value: Value;
}

const ENTITY: Record<string, Clause['entity']> = {
  metric: 'metrics',
  metrics: 'metrics',
  param: 'params',
  params: 'params',
  parameter: 'params',
  parameters: 'params',
  tag: 'tags',
  tags: 'tags',
  attribute: 'attributes',
  attributes: 'attributes',
  attr: 'attributes',
  run: 'attributes',
};

function tokenize(s: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:('(?:[^'\\]|\\.)*')|("(?:[^"\\]|\\.)*")|(`[^`]*`)|(!=|<=|>=|=|<|>|\(|\)|,|\.)|([A-Za-z_][\w]*)|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?))/y;
  let i = 0;
  while (i < s.length) {
    if (/^\s*$/.test(s.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) throw new TrackingValidationError(`filter ${JSON.stringify(s)}: cannot read at ${JSON.stringify(s.slice(i, i + 20))}`);
    out.push(m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5] ?? m[6]);
    i = re.lastIndex;
  }
  return out;
}

function unquote(t: string): string {
  if (t.startsWith("'") || t.startsWith('"')) return t.slice(1, -1).replace(/\\(.)/g, '$1');
  if (t.startsWith('`')) return t.slice(1, -1);
  return t;
}

function literal(t: string, filter: string): string | number {
  if (/^['"]/.test(t)) return unquote(t);
  if (/^-?\d/.test(t)) return Number(t);
  throw new TrackingValidationError(`filter ${JSON.stringify(filter)}: expected a quoted string or a number, got ${t}`);
}

export function parseFilter(filter: string): Clause[] {
  const t = tokenize(filter);
  const clauses: Clause[] = [];
  let i = 0;
  const next = () => {
    if (i >= t.length) throw new TrackingValidationError(`filter ${JSON.stringify(filter)}: ends too early`);
    return t[i++];
  };
  while (i < t.length) {
    let first = next();
    let entity: Clause['entity'] = 'attributes';
    let key: string;
    if (t[i] === '.') {
      const e = ENTITY[first.toLowerCase()];
      if (!e) throw new TrackingValidationError(`filter ${JSON.stringify(filter)}: unknown entity ${first} (use metrics., params., tags. or attributes.)`);
      entity = e;
      i++;
      key = unquote(next());
    } else {
      key = unquote(first);
    }
    let op = next().toUpperCase();
    if (op === 'NOT') op = `NOT ${next().toUpperCase()}`;
    if (!['=', '!=', '<', '<=', '>', '>=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'].includes(op)) throw new TrackingValidationError(`filter ${JSON.stringify(filter)}: unknown comparison ${op}`);
    let value: Value;
    if (op === 'IN' || op === 'NOT IN') {
      if (next() !== '(') throw new TrackingValidationError(`filter ${JSON.stringify(filter)}: ${op} needs a (list)`);
      const list: (string | number)[] = [];
      for (;;) {
        list.push(literal(next(), filter));
        const sep = next();
        if (sep === ')') break;
        if (sep !== ',') throw new TrackingValidationError(`filter ${JSON.stringify(filter)}: expected , or )`);
      }
      value = list;
    } else {
      value = literal(next(), filter);
    }
    clauses.push({ entity, key, op, value });
    if (i < t.length) {
      const and = next();
      if (and.toUpperCase() !== 'AND') throw new TrackingValidationError(`filter ${JSON.stringify(filter)}: clauses are joined with AND, got ${and}`);
    }
    first = '';
  }
  return clauses;
}

function like(pattern: string, s: string, ci: boolean): boolean {
  const re = new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')}$`, ci ? 'is' : 's');
  return re.test(s);
}

function attr(run: Run, key: string): string | number | undefined {
  const i = run.info;
  switch (key) {
    case 'status':
      return i.status;
    case 'run_name':
      return i.runName;
    case 'run_id':
      return i.runId;
    case 'start_time':
      return i.startTime;
    case 'end_time':
      return i.endTime;
    case 'user_id':
      return i.userId;
    case 'artifact_uri':
      return i.artifactUri;
    case 'lifecycle_stage':
      return i.lifecycleStage;
    default:
      return undefined;
  }
}

function compare(a: string | number | undefined, op: string, b: Value): boolean {
  if (a === undefined) return false;
  if (Array.isArray(b)) return op === 'IN' ? b.map(String).includes(String(a)) : !b.map(String).includes(String(a));
  if (op === 'LIKE') return like(String(b), String(a), false);
  if (op === 'ILIKE') return like(String(b), String(a), true);
  const x = typeof b === 'number' ? Number(a) : String(a);
  switch (op) {
    case '=':
      return x === b;
    case '!=':
      return x !== b;
    case '<':
      return x < b;
    case '<=':
      return x <= b;
    case '>':
      return x > b;
    default:
      return x >= b;
  }
}

/** A predicate for runs from an MLflow filter string (empty or undefined: every run). */
export function compileFilter(filter: string | undefined): (run: Run) => boolean {
  if (!filter || !filter.trim()) return () => true;
  const clauses = parseFilter(filter);
  return (run) =>
    clauses.every((c) => {
      if (c.entity === 'metrics') return compare(run.data.metrics[c.key]?.value, c.op, c.value);
      if (c.entity === 'params') return compare(run.data.params[c.key], c.op, c.value);
      if (c.entity === 'tags') return compare(run.data.tags[c.key], c.op, c.value);
      return compare(attr(run, c.key), c.op, c.value);
    });
}
