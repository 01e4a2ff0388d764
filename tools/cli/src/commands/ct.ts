// `kdlab ct info --dicom FILE [--json]`: geometry, rescale and Hounsfield-unit summary of one CT
// DICOM slice (read by @kdlab/data's DICOM reader; compared with pydicom in ct.test.ts).
// Several files after --dicom print one JSON object per line, in order (one process for a folder).
import type { Command } from 'commander';

interface InfoOptions { dicom: string[]; json?: boolean }

export function register(program: Command): void {
  const ct = program.command('ct').description('CT data tools (DICOM slices in Hounsfield units)');
  ct.command('info')
    .description('rows, columns, pixel spacing, slice thickness, rescale slope/intercept and HU statistics of one DICOM slice')
    .requiredOption('--dicom <files...>', 'a DICOM file (Implicit or Explicit VR Little Endian, 16-bit monochrome); several give one line each')
    .option('--json', 'print exactly one JSON object {"rows","columns","pixelSpacing":[r,c],"sliceThickness","rescaleSlope","rescaleIntercept","hu":{"min","max","mean"},"huHead":[16 values]}')
    .action(async (opts: InfoOptions) => {
      const path = await import('path');
      const { readDicomSlice, ctSliceInfo } = await import('@kdlab/data');
      for (const file of opts.dicom) {
        const slice = readDicomSlice(path.resolve(file));
        const info = ctSliceInfo(slice);
        if (opts.json) {
          console.log(JSON.stringify(info));
          continue;
        }
        console.log(`${file}`);
        console.log(`  size            ${info.rows} x ${info.columns}`);
        console.log(`  pixel spacing   ${info.pixelSpacing[0]} x ${info.pixelSpacing[1]} mm (row, column)`);
        console.log(`  slice thickness ${info.sliceThickness ?? 'absent'}${info.sliceThickness === null ? '' : ' mm'}`);
        console.log(`  rescale         HU = stored * ${info.rescaleSlope} + ${info.rescaleIntercept}`);
        console.log(`  transfer syntax ${slice.transferSyntax}`);
        console.log(`  HU              min ${info.hu.min}, max ${info.hu.max}, mean ${info.hu.mean.toFixed(2)}`);
      }
    });
}
