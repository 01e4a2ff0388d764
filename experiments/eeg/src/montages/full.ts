// The full 64-electrode 10-10 cap of EEGMMIDB: the teacher's (high-density) input.
import { checkMontage, type Montage } from './montage';
import { EEGMMIDB_CHANNELS } from './ten-ten';

export const full: Montage = checkMontage({
  name: 'full',
  description: 'all 64 electrodes of the 10-10 cap (teacher, high density)',
  electrodes: EEGMMIDB_CHANNELS,
});
