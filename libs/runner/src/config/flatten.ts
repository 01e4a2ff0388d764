/** `{optim: {optimizer: {lr: 1}}}` -> `{'optim.optimizer.lr': '1'}` (arrays of objects by index, other arrays as JSON; MLflow keys allow no brackets), for tracking params. */
export function flattenConfig(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flattenConfig(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (Array.isArray(value) && value.some((v) => v && typeof v === 'object')) {
    value.forEach((v, i) => flattenConfig(v, `${prefix}.${i}`, out));
  } else if (value !== undefined) {
    out[prefix] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}
