// CT slices from DICOM files, in Hounsfield units. Parsing is dicom-parser's (cornerstone's
// well-kept reader: implicit and explicit VR, no dependencies); this file only turns its data set
// into a typed slice: pixel spacing, slice thickness, rescale slope/intercept, and HU = stored
// value * slope + intercept, row-major.
//
// Pixel data must be native (uncompressed) little-endian monochrome with 16 bits allocated, the
// encoding of every CT file kdlab reads (ct/popi-itkelastix: Implicit VR Little Endian, unsigned
// 12-bit stored; ct/covid19-ny-sbu: Explicit VR Little Endian, signed 16-bit). Compressed
// transfer syntaxes (JPEG, JPEG 2000, RLE, deflate) and big-endian are refused with an error that
// names the file and the syntax, never decoded wrongly.
import * as fs from 'fs';
import * as dicomParser from 'dicom-parser';

/** Transfer syntaxes whose pixel data this reader decodes. */
export const SUPPORTED_TRANSFER_SYNTAXES: Readonly<Record<string, string>> = {
  '1.2.840.10008.1.2': 'Implicit VR Little Endian',
  '1.2.840.10008.1.2.1': 'Explicit VR Little Endian',
};

/** Names of common syntaxes this reader refuses, so the error says what the file is. */
const KNOWN_UNSUPPORTED: Readonly<Record<string, string>> = {
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless SV1',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
};

export class DicomReadError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'DicomReadError';
  }
}

export interface CtSlice {
  file: string;
  rows: number;
  columns: number;
  /** (0028,0030): row spacing (between rows, mm), column spacing (mm). */
  pixelSpacing: [number, number];
  /** (0018,0050) in mm; undefined when the file has none. */
  sliceThickness?: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  transferSyntax: string;
  patientId?: string;
  /** (0020,0037) row and column direction cosines, when present. */
  orientation?: number[];
  /** rows x columns Hounsfield units, row-major. */
  hu: Float32Array;
}

function required(ds: dicomParser.DataSet, file: string, tag: string, name: string, read: (t: string) => number | undefined): number {
  const v = read(tag);
  if (v === undefined || !Number.isFinite(v)) throw new DicomReadError(file, `missing or invalid ${name} (${tag.slice(1, 5)},${tag.slice(5)})`);
  return v;
}

function parse(file: string, bytes: Uint8Array): dicomParser.DataSet {
  try {
    return dicomParser.parseDicom(bytes);
  } catch (err) {
    // dicom-parser throws strings or {exception, dataSet}; keep its words.
    const e = err as { exception?: string; message?: string } | string;
    const msg = typeof e === 'string' ? e : (e.exception ?? e.message ?? String(err));
    throw new DicomReadError(file, `not a readable DICOM file (${msg})`);
  }
}

/** The transfer syntax UID of a parsed file (group 0002 meta header). */
function transferSyntaxOf(ds: dicomParser.DataSet, file: string): string {
  const ts = ds.string('x00020010');
  if (!ts) throw new DicomReadError(file, 'no transfer syntax (0002,0010) in the file meta header');
  return ts.replace(/\0/g, '').trim();
}

/** Reads one CT slice; errors name the file and the field, or the unsupported transfer syntax. */
export function readDicomSlice(file: string): CtSlice {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DicomReadError(file, code === 'ENOENT' ? 'not found' : `cannot read (${code ?? String(err)})`);
  }
  return decodeDicomSlice(file, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** As readDicomSlice, from bytes already in memory (`file` names them in errors). */
export function decodeDicomSlice(file: string, bytes: Uint8Array): CtSlice {
  const ds = parse(file, bytes);
  const transferSyntax = transferSyntaxOf(ds, file);
  if (!(transferSyntax in SUPPORTED_TRANSFER_SYNTAXES)) {
    const name = KNOWN_UNSUPPORTED[transferSyntax] ?? 'unknown';
    const supported = Object.entries(SUPPORTED_TRANSFER_SYNTAXES).map(([uid, n]) => `${uid} ${n}`).join(', ');
    throw new DicomReadError(file, `transfer syntax ${transferSyntax} (${name}) is not supported; supported: ${supported}`);
  }
  const rows = required(ds, file, 'x00280010', 'Rows', (t) => ds.uint16(t));
  const columns = required(ds, file, 'x00280011', 'Columns', (t) => ds.uint16(t));
  const bitsAllocated = required(ds, file, 'x00280100', 'BitsAllocated', (t) => ds.uint16(t));
  const bitsStored = ds.uint16('x00280101') ?? bitsAllocated;
  const pixelRepresentation = ds.uint16('x00280103') ?? 0;
  const samples = ds.uint16('x00280002') ?? 1;
  const frames = ds.intString('x00280008') ?? 1;
  if (bitsAllocated !== 16 || samples !== 1 || frames !== 1) {
    throw new DicomReadError(file, `unsupported pixel format: BitsAllocated ${bitsAllocated}, SamplesPerPixel ${samples}, NumberOfFrames ${frames} (expected one 16-bit monochrome frame)`);
  }
  const pixel = ds.elements.x7fe00010;
  if (!pixel) throw new DicomReadError(file, 'no pixel data (7FE0,0010)');
  if (pixel.encapsulatedPixelData) throw new DicomReadError(file, `pixel data is encapsulated (compressed) under transfer syntax ${transferSyntax}`);
  const count = rows * columns;
  if (pixel.length < count * 2) throw new DicomReadError(file, `pixel data holds ${pixel.length} bytes, ${rows}x${columns} 16-bit pixels need ${count * 2}`);

  const spacing = [ds.floatString('x00280030', 0), ds.floatString('x00280030', 1)];
  if (spacing.some((v) => v === undefined || !(v > 0))) throw new DicomReadError(file, `missing or invalid PixelSpacing (0028,0030): ${ds.string('x00280030') ?? 'absent'}`);
  const slope = ds.floatString('x00281053') ?? 1;
  const intercept = ds.floatString('x00281052') ?? 0;
  if (!Number.isFinite(slope) || !Number.isFinite(intercept)) throw new DicomReadError(file, `invalid RescaleSlope/RescaleIntercept (${ds.string('x00281053')}, ${ds.string('x00281052')})`);

  // Stored values: little-endian 16-bit words; signed data with fewer stored bits is sign-extended
  // from bit (bitsStored - 1), unsigned data keeps its low bitsStored bits (as pydicom does).
  const view = new DataView(bytes.buffer, bytes.byteOffset + pixel.dataOffset, count * 2);
  const hu = new Float32Array(count);
  const shift = 32 - bitsStored;
  const mask = bitsStored >= 16 ? 0xffff : (1 << bitsStored) - 1;
  for (let i = 0; i < count; i++) {
    const word = view.getUint16(2 * i, true);
    const stored = pixelRepresentation === 1 ? ((word << shift) >> shift) : word & mask;
    hu[i] = stored * slope + intercept;
  }
  const orientation = ds.numStringValues('x00200037') === 6 ? Array.from({ length: 6 }, (_, k) => ds.floatString('x00200037', k) as number) : undefined;
  return {
    file,
    rows,
    columns,
    pixelSpacing: [spacing[0] as number, spacing[1] as number],
    sliceThickness: ds.floatString('x00180050'),
    rescaleSlope: slope,
    rescaleIntercept: intercept,
    transferSyntax,
    patientId: ds.string('x00100020')?.trim() || undefined,
    orientation,
    hu,
  };
}

/** True when the slice is axial (row and column directions in the patient's x-y plane), the plane CT projections are taken in. */
export function isAxial(slice: Pick<CtSlice, 'orientation'>): boolean {
  const o = slice.orientation;
  if (!o) return true;
  // The normal (row x column) points along z for an axial slice.
  const nz = o[0] * o[4] - o[1] * o[3];
  return Math.abs(nz) > 0.9;
}

/** The summary `kdlab ct info` prints: geometry, rescale, HU range and the first 16 HU values. */
export function ctSliceInfo(slice: CtSlice): { rows: number; columns: number; pixelSpacing: [number, number]; sliceThickness: number | null; rescaleSlope: number; rescaleIntercept: number; hu: { min: number; max: number; mean: number }; huHead: number[] } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of slice.hu) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return {
    rows: slice.rows,
    columns: slice.columns,
    pixelSpacing: slice.pixelSpacing,
    sliceThickness: slice.sliceThickness ?? null,
    rescaleSlope: slice.rescaleSlope,
    rescaleIntercept: slice.rescaleIntercept,
    hu: { min, max, mean: sum / slice.hu.length },
    huHead: Array.from(slice.hu.subarray(0, 16)),
  };
}
