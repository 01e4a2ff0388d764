import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { WaveFile } from 'wavefile';
import { dataRoot } from '@kdlab/data';
import { readWav, writeWav } from './wav';

describe('WAV I/O', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-wav-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a real 16-bit file as int16 / 32768 and writes it back bit-exactly', () => {
    const file = path.join(dataRoot(), 'speech/voicebank-demand-sample/clean/p287_001.wav');
    const a = readWav(file);
    expect(a.sampleRate).toBe(16000);
    // The raw int16 samples, read independently of readWav's scaling.
    const raw = new WaveFile(fs.readFileSync(file)).getSamples(false, Int16Array) as unknown as Int16Array;
    expect(a.samples.length).toBe(raw.length);
    for (let i = 0; i < raw.length; i += 997) expect(a.samples[i]).toBe(raw[i] / 32768);
    const out = path.join(dir, 'copy.wav');
    writeWav(out, a);
    expect(readWav(out).samples).toEqual(a.samples);
  });

  it('refuses other rates, stereo and broken files, naming the file', () => {
    const stereo = new WaveFile();
    stereo.fromScratch(2, 16000, '16', [new Int16Array(100), new Int16Array(100)]);
    fs.writeFileSync(path.join(dir, 'stereo.wav'), stereo.toBuffer());
    expect(() => readWav(path.join(dir, 'stereo.wav'))).toThrow(/stereo\.wav: 2 channels/);
    writeWav(path.join(dir, 'r8k.wav'), { samples: new Float32Array(100), sampleRate: 8000 });
    expect(() => readWav(path.join(dir, 'r8k.wav'))).toThrow(/r8k\.wav: sample rate 8000 Hz, expected 16000 Hz/);
    expect(readWav(path.join(dir, 'r8k.wav'), { rate: null }).sampleRate).toBe(8000);
    fs.writeFileSync(path.join(dir, 'junk.wav'), 'not a wav');
    expect(() => readWav(path.join(dir, 'junk.wav'))).toThrow(/junk\.wav: not a readable WAV file/);
    expect(() => readWav(path.join(dir, 'missing.wav'))).toThrow(/missing\.wav: not found/);
  });
});
