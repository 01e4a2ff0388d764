// CT imaging: DICOM slices in Hounsfield units, a parallel-beam projector and filtered
// back-projection, and the physical low-dose simulation built on them.
export { readDicomSlice, decodeDicomSlice, ctSliceInfo, isAxial, DicomReadError, SUPPORTED_TRANSFER_SYNTAXES, type CtSlice } from './dicom';
export { radon, fbp, filterKernel, parallelAngles, type FbpFilter, type Sinogram } from './radon';
export { simulateLowDose, lineIntegrals, noisyLineIntegrals, reconstructHu, prepareSlice, bodyMask, huToMu, muToHu, HU_AIR, type LowDoseParams } from './lowdose';
export { poisson } from '../poisson';
