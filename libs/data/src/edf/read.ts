// Reading an EDF / EDF+ file: the header (./header.ts), every ordinary signal as physical values
// (digital -> physical by the header's linear map, then to µV where asked), and the EDF+
// annotations (./tal.ts). Data records hold, for each signal in turn, samplesPerRecord int16
// little-endian samples; a signal is the concatenation of its slices over the records.
import * as fs from 'fs';
import { EdfError, parseEdfHeader, type EdfHeader, type EdfSignalHeader } from './header';
import { looksCrlfConverted, undoCrlfConversion } from './line-endings';
import { parseTals, type EdfAnnotation } from './tal';

export interface EdfFile {
  file: string;
  header: EdfHeader;
  /** Every signal, the annotation channel included (see isAnnotation). */
  signals: EdfSignalHeader[];
  annotations: EdfAnnotation[];
  /** Start time of each data record in seconds (EDF+ time-keeping TALs; k * recordDuration for plain EDF). */
  recordStarts: number[];
  /** Physical values of signal `index` (its physical dimension), all records. */
  physical(index: number): Float64Array;
  /** Physical values of signal `index` in µV; an unknown physical dimension is an error naming it. */
  microvolts(index: number): Float64Array;
  /** The digital (int16) values of signal `index`. */
  digital(index: number): Int16Array;
  /** Set when the file had been corrupted by an LF -> CRLF conversion and was repaired on reading (see line-endings.ts). */
  repaired?: 'crlf-to-lf';
}

export interface ReadEdfOptions {
  /**
   * Undo a detected LF -> CRLF conversion when the repaired bytes have exactly the size the header
   * announces (default true; false makes such a file an error).
   */
  repairLineEndings?: boolean;
}

/** Factor from a physical dimension to µV, or undefined when it is not a voltage kdlab knows. */
export function toMicrovoltFactor(dimension: string): number | undefined {
  const d = dimension.trim();
  const table: Record<string, number> = { uV: 1, 'µV': 1, 'μV': 1, mV: 1e3, V: 1e6, nV: 1e-3 };
  return Object.prototype.hasOwnProperty.call(table, d) ? table[d] : undefined;
}

/**
 * The label as the rest of kdlab uses it: trailing dots and spaces removed. EEGMMIDB (BCI2000's
 * EDF export) pads labels with dots to 4 characters ('Fc5.', 'Cz..'), which MNE strips the same way.
 */
export function cleanLabel(label: string): string {
  return label.replace(/[. ]+$/, '');
}

/** The header of `buf`, after undoing a line-ending conversion when that is detected and verifiable. */
function checkedBytes(buf: Buffer, file: string, repair: boolean): { buf: Buffer; parsed: ReturnType<typeof parseEdfHeader>; repaired: boolean } {
  if (!looksCrlfConverted(buf)) return { buf, parsed: parseEdfHeader(buf, file, buf.length), repaired: false };
  // The header is ASCII without line breaks, so it parses the same before and after the repair.
  const fixed = undoCrlfConversion(buf);
  const announced = parseEdfHeader(buf, file, null);
  const recordBytes = 2 * announced.signals.reduce((a, s) => a + s.samplesPerRecord, 0);
  const expected = announced.header.headerBytes + announced.header.records * recordBytes;
  const what = `every one of its ${buf.length - fixed.length} LF bytes follows a CR: a text-mode line-ending conversion (LF -> CRLF) has corrupted this binary file`;
  if (!repair) throw new EdfError(file, 'file bytes', `${what} (reading with repairLineEndings would undo it)`);
  if (fixed.length !== expected) {
    throw new EdfError(file, 'data records', `${what}, and after undoing it the file has ${fixed.length} bytes where the header announces ${expected} (${announced.header.records} records of ${recordBytes} bytes): truncated (${Math.floor((fixed.length - announced.header.headerBytes) / recordBytes)} whole records), not repairable`);
  }
  return { buf: fixed, parsed: parseEdfHeader(fixed, file, fixed.length), repaired: true };
}

export function readEdf(file: string, opts: ReadEdfOptions = {}): EdfFile {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(file);
  } catch (e) {
    throw new Error(`${file}: cannot read EDF file (${(e as Error).message})`);
  }
  const { buf, parsed, repaired } = checkedBytes(raw, file, opts.repairLineEndings ?? true);
  const { header, signals } = parsed;
  const offsets: number[] = [];
  let recordBytes = 0;
  for (const s of signals) {
    offsets.push(recordBytes);
    recordBytes += 2 * s.samplesPerRecord;
  }
  const recordAt = (k: number) => header.headerBytes + k * recordBytes;

  const annotations: EdfAnnotation[] = [];
  const recordStarts: number[] = [];
  signals.forEach((s, i) => {
    if (!s.isAnnotation) return;
    for (let k = 0; k < header.records; k++) {
      const start = recordAt(k) + offsets[i];
      const tals = parseTals(buf.subarray(start, start + 2 * s.samplesPerRecord), file, `data record ${k + 1}`);
      // Only the first annotation signal keeps time (EDF+ 2.2.4).
      if (recordStarts.length === k) {
        if (tals.recordStart === null) throw new EdfError(file, `data record ${k + 1} annotations`, 'the time-keeping TAL is missing');
        recordStarts.push(tals.recordStart);
      }
      annotations.push(...tals.annotations);
    }
  });
  if (recordStarts.length === 0) for (let k = 0; k < header.records; k++) recordStarts.push(k * header.recordDuration);
  annotations.sort((a, b) => a.onset - b.onset);

  const check = (index: number): EdfSignalHeader => {
    const s = signals[index];
    if (!s) throw new Error(`${file}: no signal ${index} (the file has ${signals.length})`);
    if (s.isAnnotation) throw new EdfError(file, `signal ${index + 1} (${s.label})`, 'is the annotation channel, not samples');
    return s;
  };
  const digital = (index: number): Int16Array => {
    const s = check(index);
    const out = new Int16Array(header.records * s.samplesPerRecord);
    for (let k = 0; k < header.records; k++) {
      const start = recordAt(k) + offsets[index];
      for (let j = 0; j < s.samplesPerRecord; j++) out[k * s.samplesPerRecord + j] = buf.readInt16LE(start + 2 * j);
    }
    return out;
  };
  const physical = (index: number, factor = 1): Float64Array => {
    const s = check(index);
    // EDF's linear map from [digitalMin, digitalMax] onto [physicalMin, physicalMax].
    const gain = (s.physicalMax - s.physicalMin) / (s.digitalMax - s.digitalMin);
    const offset = s.physicalMax / gain - s.digitalMax;
    const d = digital(index);
    const out = new Float64Array(d.length);
    for (let j = 0; j < d.length; j++) out[j] = gain * (d[j] + offset) * factor;
    return out;
  };
  const microvolts = (index: number): Float64Array => {
    const s = check(index);
    const factor = toMicrovoltFactor(s.physicalDimension);
    if (factor === undefined) {
      throw new EdfError(file, `header field "signal ${index + 1} (${s.label}) physical dimension"`, `${JSON.stringify(s.physicalDimension)} is not a voltage (uV, mV, V, nV)`);
    }
    return physical(index, factor);
  };
  return { file, header, signals, annotations, recordStarts, physical: (i) => physical(i), microvolts, digital, ...(repaired ? { repaired: 'crlf-to-lf' as const } : {}) };
}
