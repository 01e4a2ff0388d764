// Paper-style ranking of one column: best (bold) and second (underlined).
// Ranking is on the values as displayed (rounded to the column's decimals),
// so two rows that print the same number share the same rank (dense ranking).

export type Rank = 1 | 2;

export function rankColumn(
  means: ReadonlyArray<number | undefined>,
  direction: 'higher' | 'lower',
  decimals: number,
  eligible: ReadonlyArray<boolean>,
): Array<Rank | undefined> {
  const shown = means.map((m) => (m === undefined || !Number.isFinite(m) ? undefined : Number(m.toFixed(decimals))));
  const candidates = shown.filter((v, i): v is number => v !== undefined && eligible[i]);
  // One row alone is not "best" of anything.
  if (candidates.length < 2) return shown.map(() => undefined);
  const distinct = [...new Set(candidates)];
  distinct.sort((a, b) => (direction === 'higher' ? b - a : a - b));
  return shown.map((v, i) => {
    if (v === undefined || !eligible[i]) return undefined;
    if (v === distinct[0]) return 1;
    if (distinct.length > 1 && v === distinct[1]) return 2;
    return undefined;
  });
}
