// The report's head picture: for each montage, the 64 electrodes seen from above (nose up), the
// montage's electrodes filled and labelled. A vega-lite spec with its data inline (the report
// draws it as static SVG, then interactively), built from POSITIONS (./ten-ten.ts).
import type { Montage } from './montage';
import { EEGMMIDB_CHANNELS, POSITIONS } from './ten-ten';

/** Outline of the head (circle of radius 1.1 around the equator ring), the nose and the ears, as polylines. */
function outline(): { x: number; y: number; part: string; order: number }[] {
  const pts: { x: number; y: number; part: string; order: number }[] = [];
  const R = 1.1;
  for (let k = 0; k <= 72; k++) {
    const a = (2 * Math.PI * k) / 72;
    pts.push({ x: R * Math.sin(a), y: R * Math.cos(a), part: 'head', order: k });
  }
  [[-0.12, R * Math.cos(Math.asin(0.12 / R))], [0, R + 0.14], [0.12, R * Math.cos(Math.asin(0.12 / R))]].forEach(([x, y], k) => pts.push({ x, y, part: 'nose', order: k }));
  for (const side of [-1, 1]) {
    [[R, 0.18], [R + 0.07, 0.14], [R + 0.08, -0.1], [R, -0.16]].forEach(([x, y], k) => pts.push({ x: side * x, y, part: side < 0 ? 'left ear' : 'right ear', order: k }));
  }
  return pts;
}

/** One head: electrodes (chosen ones filled and labelled) over the outline. */
export function headPicture(m: Montage, size = 260): object {
  const chosen = new Set<string>(m.electrodes);
  const electrodes = EEGMMIDB_CHANNELS.map((e) => ({ electrode: e, x: POSITIONS[e][0], y: POSITIONS[e][1], inMontage: chosen.has(e) ? 'in montage' : 'not used' }));
  const scale = { domain: [-1.35, 1.35], nice: false };
  const axis = null;
  return {
    title: { text: `${m.name} (${m.electrodes.length} electrodes)`, fontSize: 12 },
    width: size,
    height: size,
    layer: [
      {
        data: { values: outline() },
        mark: { type: 'line', color: '#555', strokeWidth: 1.5 },
        encoding: { x: { field: 'x', type: 'quantitative', scale, axis }, y: { field: 'y', type: 'quantitative', scale, axis }, detail: { field: 'part' }, order: { field: 'order' } },
      },
      {
        data: { values: electrodes },
        mark: { type: 'circle', size: 90, stroke: '#333', strokeWidth: 0.6 },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale, axis },
          y: { field: 'y', type: 'quantitative', scale, axis },
          color: { field: 'inMontage', type: 'nominal', scale: { domain: ['in montage', 'not used'], range: ['#d62728', '#e8e8e8'] }, legend: { title: null, orient: 'bottom' } },
          opacity: { value: 1 },
          tooltip: [{ field: 'electrode' }, { field: 'inMontage' }],
        },
      },
      {
        data: { values: electrodes.filter((e) => e.inMontage === 'in montage') },
        mark: { type: 'text', dy: -10, fontSize: 9, fontWeight: 'bold' },
        encoding: { x: { field: 'x', type: 'quantitative', scale, axis }, y: { field: 'y', type: 'quantitative', scale, axis }, text: { field: 'electrode' } },
      },
    ],
  };
}

/** The montages side by side, one vega-lite spec. */
export function montageFigure(montages: Montage[]): object {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    hconcat: montages.map((m) => headPicture(m)),
    resolve: { scale: { color: 'shared' } },
    config: { view: { stroke: null } },
  };
}
