// Pairs HR and SR files by the name's stem: the part before the first '_' or '.', so
// `baby.png`, `baby_HR_x4.png` and `baby_RCAN_x4.png` are one image.
import * as path from 'path';

export function imageStem(file: string): string {
  return path.basename(file).split(/[_.]/)[0];
}

function byStem(files: string[], side: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const f of files) {
    const stem = imageStem(f);
    if (!stem) throw new Error(`${f}: no name before the first '_' or '.'`);
    const other = map.get(stem);
    if (other) throw new Error(`${side} files ${other} and ${f} share the name ${JSON.stringify(stem)}`);
    map.set(stem, f);
  }
  return map;
}

/** HR/SR file pairs sorted by name; any unpaired or ambiguous file is an error naming it. */
export function pairFilesByStem(hrFiles: string[], srFiles: string[]): { name: string; hr: string; sr: string }[] {
  if (hrFiles.length === 0) throw new Error('no HR images to pair');
  if (srFiles.length === 0) throw new Error('no SR images to pair');
  const hr = byStem(hrFiles, 'HR');
  const sr = byStem(srFiles, 'SR');
  const unpaired = [
    ...[...hr].filter(([s]) => !sr.has(s)).map(([, f]) => `${f} (HR, no SR)`),
    ...[...sr].filter(([s]) => !hr.has(s)).map(([, f]) => `${f} (SR, no HR)`),
  ];
  if (unpaired.length > 0) throw new Error(`unpaired image file(s): ${unpaired.join(', ')}`);
  return [...hr.keys()].sort().map((name) => ({ name, hr: hr.get(name)!, sr: sr.get(name)! }));
}
