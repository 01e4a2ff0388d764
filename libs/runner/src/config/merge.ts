// Layering of config files: `extends:` and several files on the command line
// merge left to right. Objects merge key by key, arrays and scalars replace,
// and `null` deletes a key (so a profile can drop, e.g., a teacher).
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Merges two layers; a `null` stays as a deletion marker until `dropNulls` (so it survives further layering). */
export function mergeConfigs(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in out && v !== null ? mergeConfigs(out[k], v) : v;
  return out;
}

/** Removes keys whose value is `null`, at every depth: the last step of layering. */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, dropNulls(v)]));
}

/** Parses `a.b[2].c` or `a.b.2.c` into path segments. */
export function parseKeyPath(key: string): (string | number)[] {
  if (!/^[A-Za-z_][\w-]*(\.[\w-]+|\[\d+\])*$/.test(key)) throw new Error(`bad key path ${JSON.stringify(key)} (expected e.g. train.steps or kd.terms[1].weight)`);
  return key
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Returns a copy of `config` with `value` set at `key` (creating objects on the way). */
export function setAtPath(config: unknown, key: string, value: unknown): unknown {
  const path = parseKeyPath(key);
  const root: unknown = structuredClone(config ?? {});
  let node = root as Record<string | number, unknown>;
  path.forEach((seg, i) => {
    if (i === path.length - 1) {
      node[seg] = value;
      return;
    }
    if (typeof node[seg] !== 'object' || node[seg] === null) node[seg] = typeof path[i + 1] === 'number' ? [] : {};
    node = node[seg] as Record<string | number, unknown>;
  });
  return root;
}
