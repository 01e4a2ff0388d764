// The montages kdlab knows, by name (one file each).
import { full } from './full';
import { headband } from './headband';
import { headphone } from './headphone';
import type { Montage } from './montage';

export const MONTAGES: Record<string, Montage> = { full, headphone, headband };

export function montage(name: string): Montage {
  const m = MONTAGES[name];
  if (!m) throw new Error(`unknown montage ${JSON.stringify(name)}; montages: ${Object.keys(MONTAGES).join(', ')}`);
  return m;
}

export { checkMontage, montageIndices, type Montage } from './montage';
export { canonicalElectrode, EEGMMIDB_CHANNELS, POSITIONS, type Electrode } from './ten-ten';
export { headPicture, montageFigure } from './picture';
