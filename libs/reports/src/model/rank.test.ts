import { rankColumn } from './rank';

const all = (n: number) => Array.from({ length: n }, () => true);

describe('rankColumn (best bold, second underlined)', () => {
  it('ranks higher-is-better columns', () => {
    expect(rankColumn([30.1, 30.5, 29.9, 30.3], 'higher', 2, all(4))).toEqual([undefined, 1, undefined, 2]);
  });

  it('ranks lower-is-better columns', () => {
    expect(rankColumn([0.12, 0.1, 0.3], 'lower', 2, all(3))).toEqual([2, 1, undefined]);
  });

  it('ties on the printed precision share a rank (dense ranking)', () => {
    // 30.514 and 30.506 both print as 30.51.
    expect(rankColumn([30.514, 30.506, 30.2, 30.1], 'higher', 2, all(4))).toEqual([1, 1, 2, undefined]);
  });

  it('skips missing values and ineligible (reference) rows', () => {
    expect(rankColumn([31.9, undefined, 30.2, 30.4], 'higher', 2, [false, true, true, true])).toEqual([undefined, undefined, 2, 1]);
  });

  it('ranks nothing when fewer than two rows can be compared', () => {
    expect(rankColumn([30.2, undefined], 'higher', 2, all(2))).toEqual([undefined, undefined]);
    expect(rankColumn([31, 30], 'higher', 2, [false, true])).toEqual([undefined, undefined]);
  });
});
