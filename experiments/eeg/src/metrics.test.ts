import { scoreLabels } from './metrics';

// Cohen's kappa against published worked examples.
describe("accuracy and Cohen's kappa", () => {
  it('the 2x2 example of Cohen\'s kappa on Wikipedia: 20/5/10/15 of 50 -> p_o 0.7, p_e 0.5, kappa 0.4', () => {
    const truth = [...Array(25).fill(0), ...Array(25).fill(1)];
    // rater A yes (0) for 25: B says yes 20, no 5; A no (1) for 25: B says yes 10, no 15
    const pred = [...Array(20).fill(0), ...Array(5).fill(1), ...Array(10).fill(0), ...Array(15).fill(1)];
    const s = scoreLabels(truth, pred, 2);
    expect(s.accuracy).toBeCloseTo(70, 12);
    expect(s.kappa).toBeCloseTo(0.4, 12);
    expect(s.confusion).toEqual([[20, 5], [10, 15]]);
  });

  it('chance-level predictions give kappa 0; perfect ones 1; 4 classes', () => {
    const truth = [0, 1, 2, 3, 0, 1, 2, 3];
    expect(scoreLabels(truth, truth, 4).kappa).toBe(1);
    expect(scoreLabels(truth, Array(8).fill(2), 4)).toMatchObject({ accuracy: 25, kappa: 0 });
    expect(() => scoreLabels([0, 1], [0], 2)).toThrow(/2 labels and 1 predictions/);
  });
});
