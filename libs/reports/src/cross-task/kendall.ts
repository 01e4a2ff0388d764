// Kendall's tau-b between two rankings given as scores (higher = ranked first), the variant that
// accounts for ties (Kendall 1945; scipy.stats.kendalltau's default):
//   tau_b = (P - Q) / sqrt((P + Q + T) (P + Q + U))
// over all pairs i < j: P concordant, Q discordant, T tied in x only, U tied in y only (pairs tied in
// both count in neither). Undefined (null) with fewer than two items or when either ranking is all ties.

export function kendallTauB(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new Error(`kendallTauB: ${x.length} scores against ${y.length}`);
  let p = 0;
  let q = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const dx = Math.sign(x[i] - x[j]);
      const dy = Math.sign(y[i] - y[j]);
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiesX++;
      else if (dy === 0) tiesY++;
      else if (dx === dy) p++;
      else q++;
    }
  }
  const denom = Math.sqrt((p + q + tiesX) * (p + q + tiesY));
  return denom > 0 ? (p - q) / denom : null;
}
