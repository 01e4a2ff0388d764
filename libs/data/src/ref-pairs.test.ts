import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadManifest } from './manifest';
import { loadRefPair, opencvDocDir, parseOpenCvMatrix, REF_PAIRS, type RefPairName } from './ref-pairs';
import { checkFile, readFileNamed } from './verify';

describe('opencv-doc reference pairs', () => {
  it('every manifest file is present with its recorded sha256', () => {
    const dir = opencvDocDir();
    for (const entry of loadManifest('opencv-doc-pairs').files) {
      const file = path.join(dir, entry.path);
      expect(checkFile(file, readFileNamed(file), entry, 'opencv-doc-pairs')).toBe(entry.sha256);
    }
  });

  it('loads every pair as two real images; only graf has a homography', () => {
    for (const name of Object.keys(REF_PAIRS) as RefPairName[]) {
      const pair = loadRefPair(name);
      for (const img of [pair.input, pair.reference]) {
        expect(img.height).toBeGreaterThan(100);
        expect(img.width).toBeGreaterThan(100);
        // not a constant image
        expect(Math.max(...img.data.subarray(0, 5000))).toBeGreaterThan(Math.min(...img.data.subarray(0, 5000)));
      }
      expect(pair.homography !== undefined).toBe(name === 'graf');
    }
  });

  it('graf: the homography is the XML matrix row-major and maps graf1 into graf3', () => {
    const graf = loadRefPair('graf');
    const xml = fs.readFileSync(path.join(opencvDocDir(), 'H1to3p.xml'), 'utf8');
    const rowMajor = xml.split('<data>')[1].split('</data>')[0].trim().split(/\s+/).map(Number);
    expect(graf.homography).toEqual(rowMajor);
    const h = graf.homography!;
    const [x, y] = [graf.input.width / 2, graf.input.height / 2];
    const w = h[6] * x + h[7] * y + h[8];
    const [u, v] = [(h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w];
    expect(u).toBeGreaterThan(0);
    expect(u).toBeLessThan(graf.reference.width);
    expect(v).toBeGreaterThan(0);
    expect(v).toBeLessThan(graf.reference.height);
  });

  it('parseOpenCvMatrix reads rows/cols/data and names bad fields', () => {
    const xml = (rows: string, data: string, dt = 'd') =>
      `<?xml version="1.0"?><opencv_storage><H type_id="opencv-matrix"><rows>${rows}</rows><cols>2</cols><dt>${dt}</dt><data>${data}</data></H></opencv_storage>`;
    expect(parseOpenCvMatrix(xml('2', '1 2\n 3e0 -4.5'), 'm.xml')).toEqual({ name: 'H', rows: 2, cols: 2, data: [1, 2, 3, -4.5] });
    expect(() => parseOpenCvMatrix(xml('2', '1 2 3'), 'm.xml')).toThrow('m.xml: H.data holds 3 values, expected 2x2');
    expect(() => parseOpenCvMatrix(xml('2', '1 x 3 4'), 'm.xml')).toThrow('m.xml: H.data value 1 is "x", not a number');
    expect(() => parseOpenCvMatrix(xml('two', '1 2 3 4'), 'm.xml')).toThrow('m.xml: H.rows is "two"');
    expect(() => parseOpenCvMatrix(xml('2', '1 2 3 4', 'u'), 'm.xml')).toThrow('m.xml: H.dt is "u"');
    expect(() => parseOpenCvMatrix('<opencv_storage/>', 'm.xml')).toThrow('m.xml: no element with type_id="opencv-matrix"');
  });

  it('a modified file is an error naming it', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-opencv-doc-'));
    try {
      for (const f of ['graf1.png', 'graf3.png', 'H1to3p.xml']) fs.copyFileSync(path.join(opencvDocDir(), f), path.join(tmp, f));
      fs.appendFileSync(path.join(tmp, 'H1to3p.xml'), ' ');
      expect(() => loadRefPair('graf', { KDLAB_OPENCV_DOC_DIR: tmp })).toThrow(`${path.join(tmp, 'H1to3p.xml')}: sha256`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
