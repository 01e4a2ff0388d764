import { imageStem, pairFilesByStem } from './pairing';

describe('pairing HR and SR files by stem', () => {
  it('takes the name before the first _ or .', () => {
    expect(['baby.png', '/x/baby_HR_x4.png', 'baby_RCAN_x4.png', 'img_001.png'].map(imageStem)).toEqual(['baby', 'baby', 'baby', 'img']);
  });

  it('pairs baby.png with baby_RCAN_x4.png, sorted by name', () => {
    expect(pairFilesByStem(['hr/woman.png', 'hr/baby.png'], ['sr/baby_RCAN_x4.png', 'sr/woman_RCAN_x4.png'])).toEqual([
      { name: 'baby', hr: 'hr/baby.png', sr: 'sr/baby_RCAN_x4.png' },
      { name: 'woman', hr: 'hr/woman.png', sr: 'sr/woman_RCAN_x4.png' },
    ]);
  });

  it('names unpaired files on either side', () => {
    expect(() => pairFilesByStem(['hr/baby.png', 'hr/bird.png'], ['sr/baby_x4.png', 'sr/head_x4.png']))
      .toThrow('unpaired image file(s): hr/bird.png (HR, no SR), sr/head_x4.png (SR, no HR)');
  });

  it('names two files of one side that share a stem, and empty sides', () => {
    expect(() => pairFilesByStem(['hr/baby.png', 'hr/baby_HR_x4.png'], ['sr/baby.png'])).toThrow('HR files hr/baby.png and hr/baby_HR_x4.png share the name "baby"');
    expect(() => pairFilesByStem([], ['sr/baby.png'])).toThrow('no HR images');
  });
});
