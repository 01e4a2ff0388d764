// Headphone-like low-density montage: electrodes a pair of over-ear headphones could carry, in the
// ear cups and just around them (temporal rows FT/T/TP, and T9/T10 at the ears), 8 electrodes.
// The SK-KD abstract names a "headphone-like" montage without listing its electrodes: this list
// is kdlab's choice, from the 64 of EEGMMIDB.
import { checkMontage, type Montage } from './montage';

export const headphone: Montage = checkMontage({
  name: 'headphone',
  description: 'headphone-like, 8 electrodes around the ears: FT7 FT8 T7 T8 TP7 TP8 T9 T10',
  electrodes: ['FT7', 'FT8', 'T7', 'T8', 'TP7', 'TP8', 'T9', 'T10'],
});
