// Binary files that went through a text-mode line-ending conversion (LF -> CRLF, e.g. a git
// checkout with eol=crlf or a text-mode download) are corrupted: every 0x0A byte got a 0x0D in
// front of it, shifting all later bytes. The EEGMMIDB S001 copy in the shared data was stored
// this way (see experiments/eeg/README.md). The conversion is exactly reversible when it was
// applied to every LF (each CRLF of the converted file stems from one LF of the original), and
// the EDF header says how long the original was, so the repair can be verified: it is accepted
// only when the result has exactly the announced size.

/** Counts of LF and of CRLF in `buf`. */
function lineEndingCounts(buf: Buffer): { lf: number; crlf: number } {
  let lf = 0;
  let crlf = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] === 0x0a) {
      lf++;
      if (i > 0 && buf[i - 1] === 0x0d) crlf++;
    }
  }
  return { lf, crlf };
}

/**
 * True when every LF of `buf` is preceded by a CR, with enough LFs that chance is ruled out (in
 * binary int16 data each LF has a ~1/256 chance of following a CR: 16 in a row is ~1e-38).
 */
export function looksCrlfConverted(buf: Buffer): boolean {
  const { lf, crlf } = lineEndingCounts(buf);
  return lf >= 16 && crlf === lf;
}

/** The bytes with every CRLF turned back into LF (the inverse of an LF -> CRLF conversion). */
export function undoCrlfConversion(buf: Buffer): Buffer {
  const out = Buffer.allocUnsafe(buf.length);
  let n = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] === 0x0d && i + 1 < buf.length && buf[i + 1] === 0x0a) continue;
    out[n++] = buf[i];
  }
  return out.subarray(0, n);
}
