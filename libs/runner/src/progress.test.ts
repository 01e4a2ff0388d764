import { PassThrough } from 'stream';
import { progress } from './progress';

describe('progress', () => {
  it('prints plain lines with rate and ETA when not on a terminal', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (b) => (text += b.toString()));
    const p = progress('train', 3, { stream: out as unknown as NodeJS.WriteStream, unit: 'step', plainEverySec: 0 });
    p.tick(1, { loss: 0.5 });
    p.tick(2, { loss: 0.25 });
    p.stop();
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^train 3\/3 \(100%\) [\d.]+ step\/s ETA \d+s loss=0\.2500$/);
  });
});
