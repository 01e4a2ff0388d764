// Headband-like low-density montage: electrodes a forehead band could carry, from temple to temple
// across the forehead (Fp and AF rows, F7/F8 at the temples), 8 electrodes. The SK-KD abstract
// names a "headband-like" montage without listing its electrodes: this list is kdlab's choice.
import { checkMontage, type Montage } from './montage';

export const headband: Montage = checkMontage({
  name: 'headband',
  description: 'headband-like, 8 electrodes across the forehead to the temples: Fp1 Fpz Fp2 AF7 AFz AF8 F7 F8',
  electrodes: ['Fp1', 'Fpz', 'Fp2', 'AF7', 'AFz', 'AF8', 'F7', 'F8'],
});
