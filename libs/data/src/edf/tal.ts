// EDF+ annotations: Time-stamped Annotation Lists (TALs) in the bytes of an 'EDF Annotations'
// signal (EDF+ specification, section 2.2). Each TAL is
//   +onset [0x15 duration] 0x14 text 0x14 [text 0x14 ...] 0x00
// with onset/duration in seconds as ASCII decimals (onset signed, relative to the file start),
// texts in UTF-8; unused bytes of the record are 0x00. The first TAL of every data record is the
// record's time-keeping TAL ('+<start>' 0x14 0x14 0x00, empty text): it gives the record's start
// time (used by EDF+D) and is not an annotation.
import { EdfError } from './header';

export interface EdfAnnotation {
  /** Seconds from the start of the file. */
  onset: number;
  /** Seconds, or null when the TAL gives none. */
  duration: number | null;
  description: string;
}

const ONSET = /^[+-]\d+(\.\d+)?$/;
const DURATION = /^\d+(\.\d+)?$/;

/**
 * Parses the TAL bytes of one data record. Returns the record's start time (its time-keeping
 * TAL) and the annotations with a non-empty text. `where` names the record in errors.
 */
export function parseTals(bytes: Uint8Array, file: string, where: string): { recordStart: number | null; annotations: EdfAnnotation[] } {
  const annotations: EdfAnnotation[] = [];
  let recordStart: number | null = null;
  let pos = 0;
  let first = true;
  while (pos < bytes.length && bytes[pos] !== 0) {
    const end = bytes.indexOf(0, pos);
    if (end < 0) throw new EdfError(file, `${where} annotations`, `a TAL starting at byte ${pos} has no terminating 0x00`);
    const tal = Buffer.from(bytes.subarray(pos, end)).toString('utf8');
    pos = end + 1;
    const parts = tal.split('\x14');
    if (parts.length < 2 || parts[parts.length - 1] !== '') throw new EdfError(file, `${where} annotations`, `TAL ${JSON.stringify(tal)} does not end with 0x14`);
    const [timing, ...texts] = parts.slice(0, -1);
    const [onsetText, durationText, ...extra] = timing.split('\x15');
    if (!ONSET.test(onsetText) || extra.length > 0) throw new EdfError(file, `${where} annotation onset`, `${JSON.stringify(timing)} is not "+seconds[0x15 duration]"`);
    if (durationText !== undefined && !DURATION.test(durationText)) throw new EdfError(file, `${where} annotation duration`, `${JSON.stringify(durationText)} is not a non-negative number`);
    const onset = Number(onsetText);
    const duration = durationText === undefined ? null : Number(durationText);
    if (first) {
      // The time-keeping TAL: its first text is empty; further texts in it are real annotations.
      recordStart = onset;
      texts.shift();
      first = false;
    }
    for (const description of texts) if (description !== '') annotations.push({ onset, duration, description });
  }
  return { recordStart, annotations };
}
