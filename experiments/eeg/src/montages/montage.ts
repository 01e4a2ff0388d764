// A montage: the electrodes a decoder sees, as a subset of the recording's 10-10 channels. Each
// montage is one file in this folder (its channel list and why); `montage(name)` finds them.
import { canonicalElectrode, EEGMMIDB_CHANNELS, type Electrode } from './ten-ten';

export interface Montage {
  name: string;
  /** One line for tables and the report. */
  description: string;
  electrodes: readonly Electrode[];
}

/** Row indices of the montage's electrodes in a recording whose channels are `labels` (cleaned file labels). */
export function montageIndices(m: Montage, labels: readonly string[], where: string): number[] {
  const canonical = labels.map((l) => canonicalElectrode(l));
  return m.electrodes.map((e) => {
    const i = canonical.indexOf(e);
    if (i < 0) throw new Error(`montage '${m.name}': electrode ${e} is not among the channels of ${where} (${labels.join(' ')})`);
    return i;
  });
}

export function checkMontage(m: Montage): Montage {
  const known = new Set<string>(EEGMMIDB_CHANNELS);
  for (const e of m.electrodes) if (!known.has(e)) throw new Error(`montage '${m.name}': unknown electrode ${e}`);
  if (new Set(m.electrodes).size !== m.electrodes.length) throw new Error(`montage '${m.name}': an electrode is listed twice`);
  return m;
}
