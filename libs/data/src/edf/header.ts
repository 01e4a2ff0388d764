// The EDF / EDF+ header (Kemp et al. 1992; Kemp & Olivan 2003, "European data format 'plus'
// (EDF+)"): a 256-byte fixed part, then 256 bytes per signal, every field a space-padded ASCII
// string of a fixed width. Each field is parsed and checked here, and any error names the file
// and the field (`S001R04.edf: header field "number of data records": ...`), because a bad EDF
// usually comes from a truncated copy or a writer that got one width wrong.

/** The file-level fields. */
export interface EdfHeader {
  version: string;
  patient: string;
  recording: string;
  /** dd.mm.yy, as written. */
  startDate: string;
  /** hh.mm.ss, as written. */
  startTime: string;
  headerBytes: number;
  /** The 44-byte reserved field: 'EDF+C' (continuous) or 'EDF+D' (discontinuous) in EDF+, else blank. */
  reserved: string;
  /** 'EDF+C', 'EDF+D', or 'EDF' for plain EDF. */
  format: 'EDF' | 'EDF+C' | 'EDF+D';
  /** Number of data records (resolved from the file size when the header says -1). */
  records: number;
  /** Duration of one data record in seconds. */
  recordDuration: number;
  signalCount: number;
}

/** One signal's header fields. */
export interface EdfSignalHeader {
  /** The label as written, trailing spaces removed (EEGMMIDB writes 'Fc5.' with dots: see cleanLabel). */
  label: string;
  transducer: string;
  physicalDimension: string;
  physicalMin: number;
  physicalMax: number;
  digitalMin: number;
  digitalMax: number;
  prefiltering: string;
  samplesPerRecord: number;
  /** Samples per second: samplesPerRecord / recordDuration. */
  sampleRate: number;
  /** EDF+ annotation channel ('EDF Annotations'): holds TALs, not samples. */
  isAnnotation: boolean;
}

export const ANNOTATION_LABEL = 'EDF Annotations';

/** Thrown for anything wrong in an EDF file; the message names the file and the field. */
export class EdfError extends Error {
  constructor(readonly file: string, readonly field: string, detail: string) {
    super(`${file}: ${field}: ${detail}`);
    this.name = 'EdfError';
  }
}

/** Reads fixed-width ASCII fields from a buffer, naming the file and field in every error. */
class FieldReader {
  pos = 0;
  constructor(private readonly buf: Buffer, private readonly file: string) {}

  text(width: number, field: string): string {
    if (this.pos + width > this.buf.length) {
      throw new EdfError(this.file, `header field "${field}"`, `the file ends at byte ${this.buf.length}, inside the header (field at bytes ${this.pos}..${this.pos + width})`);
    }
    const raw = this.buf.subarray(this.pos, this.pos + width);
    this.pos += width;
    // EDF fields are printable US-ASCII (32..126); anything else means a broken or non-EDF file.
    for (const b of raw) {
      if (b < 32 || b > 126) throw new EdfError(this.file, `header field "${field}"`, `byte ${b} is not printable ASCII (not an EDF header?)`);
    }
    return raw.toString('latin1').replace(/ +$/, '');
  }

  number(width: number, field: string, opts: { integer?: boolean } = {}): number {
    const s = this.text(width, field).trim();
    // EDF numbers are plain decimals ("-3200", "0.1", "1e2" is not allowed but some writers use it: accept what Number parses strictly).
    const v = s === '' ? NaN : Number(s);
    if (!Number.isFinite(v)) throw new EdfError(this.file, `header field "${field}"`, `${JSON.stringify(s)} is not a number`);
    if (opts.integer && !Number.isInteger(v)) throw new EdfError(this.file, `header field "${field}"`, `${JSON.stringify(s)} is not an integer`);
    return v;
  }
}

/**
 * Parses and checks the header at the start of `buf` (the whole file, or at least its header).
 * `fileBytes` is the size of the whole file: it resolves records = -1 and detects truncation
 * (null: the header alone, no size checks).
 */
export function parseEdfHeader(buf: Buffer, file: string, fileBytes: number | null): { header: EdfHeader; signals: EdfSignalHeader[] } {
  const r = new FieldReader(buf, file);
  const version = r.text(8, 'version');
  if (version.trim() !== '0') throw new EdfError(file, 'header field "version"', `${JSON.stringify(version)} (EDF and EDF+ write "0"; BDF is not supported)`);
  const patient = r.text(80, 'local patient identification');
  const recording = r.text(80, 'local recording identification');
  const startDate = r.text(8, 'startdate');
  if (!/^\d\d\.\d\d\.\d\d$/.test(startDate)) throw new EdfError(file, 'header field "startdate"', `${JSON.stringify(startDate)} is not dd.mm.yy`);
  const startTime = r.text(8, 'starttime');
  if (!/^\d\d\.\d\d\.\d\d$/.test(startTime)) throw new EdfError(file, 'header field "starttime"', `${JSON.stringify(startTime)} is not hh.mm.ss`);
  const headerBytes = r.number(8, 'number of bytes in header record', { integer: true });
  const reserved = r.text(44, 'reserved');
  const format = reserved.startsWith('EDF+C') ? 'EDF+C' : reserved.startsWith('EDF+D') ? 'EDF+D' : 'EDF';
  let records = r.number(8, 'number of data records', { integer: true });
  const recordDuration = r.number(8, 'duration of a data record');
  if (recordDuration < 0) throw new EdfError(file, 'header field "duration of a data record"', `${recordDuration} is negative`);
  const signalCount = r.number(4, 'number of signals', { integer: true });
  if (signalCount < 1) throw new EdfError(file, 'header field "number of signals"', `${signalCount}: an EDF file has at least one signal`);
  if (headerBytes !== 256 * (signalCount + 1)) {
    throw new EdfError(file, 'header field "number of bytes in header record"', `${headerBytes}, but ${signalCount} signals need 256 * (${signalCount} + 1) = ${256 * (signalCount + 1)}`);
  }

  // Per-signal fields come grouped by field: all labels, then all transducers, ...
  const each = <T>(width: number, field: string, read: (w: number, f: string) => T): T[] =>
    Array.from({ length: signalCount }, (_, i) => read(width, `signal ${i + 1} ${field}`));
  const labels = each(16, 'label', (w, f) => r.text(w, f));
  const transducers = each(80, 'transducer type', (w, f) => r.text(w, f));
  const dims = each(8, 'physical dimension', (w, f) => r.text(w, f).trim());
  const pMin = each(8, 'physical minimum', (w, f) => r.number(w, f));
  const pMax = each(8, 'physical maximum', (w, f) => r.number(w, f));
  const dMin = each(8, 'digital minimum', (w, f) => r.number(w, f, { integer: true }));
  const dMax = each(8, 'digital maximum', (w, f) => r.number(w, f, { integer: true }));
  const prefilter = each(80, 'prefiltering', (w, f) => r.text(w, f));
  const spr = each(8, 'number of samples in each data record', (w, f) => r.number(w, f, { integer: true }));
  each(32, 'reserved', (w, f) => r.text(w, f));

  const signals: EdfSignalHeader[] = labels.map((label, i) => {
    const where = `header field "signal ${i + 1} (${label.trim()})`;
    if (dMax[i] <= dMin[i]) throw new EdfError(file, `${where} digital maximum"`, `${dMax[i]} is not above the digital minimum ${dMin[i]}`);
    if (dMin[i] < -32768 || dMax[i] > 32767) throw new EdfError(file, `${where} digital minimum/maximum"`, `[${dMin[i]}, ${dMax[i]}] exceeds the 16-bit range`);
    if (pMax[i] === pMin[i]) throw new EdfError(file, `${where} physical maximum"`, `equals the physical minimum ${pMin[i]} (no scale)`);
    if (spr[i] < 1) throw new EdfError(file, `${where} number of samples in each data record"`, `${spr[i]} (must be at least 1)`);
    const isAnnotation = format !== 'EDF' && label.trim() === ANNOTATION_LABEL;
    return {
      label: label.replace(/ +$/, ''),
      transducer: transducers[i],
      physicalDimension: dims[i],
      physicalMin: pMin[i],
      physicalMax: pMax[i],
      digitalMin: dMin[i],
      digitalMax: dMax[i],
      prefiltering: prefilter[i],
      samplesPerRecord: spr[i],
      sampleRate: recordDuration > 0 ? spr[i] / recordDuration : 0,
      isAnnotation,
    };
  });
  if (format !== 'EDF' && !signals.some((s) => s.isAnnotation)) {
    throw new EdfError(file, 'header field "signal labels"', `${format} file without an "${ANNOTATION_LABEL}" signal`);
  }

  const recordBytes = 2 * spr.reduce((a, b) => a + b, 0);
  const fields = { version, patient, recording, startDate, startTime, headerBytes, reserved, format, records, recordDuration, signalCount } as const;
  if (fileBytes === null) return { header: { ...fields }, signals };
  const dataBytes = fileBytes - headerBytes;
  if (records === -1) {
    // Allowed while recording; the count follows from the file size.
    if (dataBytes % recordBytes !== 0) throw new EdfError(file, 'header field "number of data records"', `-1 (unknown) and the data size ${dataBytes} is not a multiple of the record size ${recordBytes}`);
    records = dataBytes / recordBytes;
  } else if (records < 0) {
    throw new EdfError(file, 'header field "number of data records"', `${records} is negative`);
  }
  if (dataBytes < records * recordBytes) {
    const whole = Math.floor(Math.max(0, dataBytes) / recordBytes);
    throw new EdfError(file, 'data records', `truncated: the header announces ${records} records of ${recordBytes} bytes (${records * recordBytes} bytes after the ${headerBytes}-byte header) but the file has ${Math.max(0, dataBytes)} (${whole} whole records)`);
  }
  if (dataBytes > records * recordBytes) {
    throw new EdfError(file, 'data records', `the header announces ${records} records of ${recordBytes} bytes (${records * recordBytes} bytes after the ${headerBytes}-byte header) but the file has ${dataBytes - records * recordBytes} bytes more`);
  }
  return {
    header: { version, patient, recording, startDate, startTime, headerBytes, reserved, format, records, recordDuration, signalCount },
    signals,
  };
}
