// The 64 electrodes of EEGMMIDB (BCI2000's 64-channel cap, the 10-10 system) in their canonical
// spelling, and 2-D positions for drawing the head.
//
// Positions: on a spherical head with Cz at the pole, an electrode's polar angle from Cz follows
// the 10-10 construction (each 10 % step of the nasion-inion and preauricular arcs is 22.5 deg,
// so Fpz, T7, T8 and Oz lie on the 90 deg "equator"; Iz, T9, T10 at 112.5 deg) and the equator
// electrodes sit every 18 deg of azimuth (Fp2 18, AF8 36, F8 54, FT8 72, T8 90, ...). The
// electrodes of a row between its midline electrode and its equator end (F2, F4, F6 between Fz and
// F8) are spaced evenly along the great circle between the two. The sphere is drawn with the
// azimuthal equidistant projection (radius = polar angle / 90 deg: the equator is the unit circle),
// as EEGLAB's topoplot does. Nose up (+y), right ear right (+x). For pictures, not for source
// localisation.

/** The canonical 10-10 labels of EEGMMIDB's 64 channels, in the files' order. */
export const EEGMMIDB_CHANNELS = [
  'FC5', 'FC3', 'FC1', 'FCz', 'FC2', 'FC4', 'FC6', 'C5', 'C3', 'C1', 'Cz', 'C2', 'C4', 'C6',
  'CP5', 'CP3', 'CP1', 'CPz', 'CP2', 'CP4', 'CP6', 'Fp1', 'Fpz', 'Fp2', 'AF7', 'AF3', 'AFz', 'AF4', 'AF8',
  'F7', 'F5', 'F3', 'F1', 'Fz', 'F2', 'F4', 'F6', 'F8', 'FT7', 'FT8', 'T7', 'T8', 'T9', 'T10', 'TP7', 'TP8',
  'P7', 'P5', 'P3', 'P1', 'Pz', 'P2', 'P4', 'P6', 'P8', 'PO7', 'PO3', 'POz', 'PO4', 'PO8', 'O1', 'Oz', 'O2', 'Iz',
] as const;

export type Electrode = (typeof EEGMMIDB_CHANNELS)[number];

const CANONICAL = new Map<string, Electrode>(EEGMMIDB_CHANNELS.map((c) => [c.toUpperCase(), c]));

/** The canonical 10-10 name of a (cleaned) file label, e.g. 'Fc5' -> 'FC5'; undefined when unknown. */
export function canonicalElectrode(label: string): Electrode | undefined {
  return CANONICAL.get(label.trim().toUpperCase());
}

type Vec = [number, number, number];
const DEG = Math.PI / 180;

/** Unit vector at polar angle `theta` from Cz and azimuth `phi` (0 = towards the nose, + = right). */
function sphere(theta: number, phi: number): Vec {
  return [Math.sin(theta * DEG) * Math.sin(phi * DEG), Math.sin(theta * DEG) * Math.cos(phi * DEG), Math.cos(theta * DEG)];
}

function slerp(a: Vec, b: Vec, t: number): Vec {
  const omega = Math.acos(Math.min(1, Math.max(-1, a[0] * b[0] + a[1] * b[1] + a[2] * b[2])));
  if (omega < 1e-9) return a;
  const wa = Math.sin((1 - t) * omega) / Math.sin(omega);
  const wb = Math.sin(t * omega) / Math.sin(omega);
  return [wa * a[0] + wb * b[0], wa * a[1] + wb * b[1], wa * a[2] + wb * b[2]];
}

/** Azimuthal equidistant projection: polar angle / 90 deg as the radius. */
function project(v: Vec): [number, number] {
  const theta = Math.acos(Math.min(1, Math.max(-1, v[2])));
  const r = theta / (90 * DEG);
  const h = Math.hypot(v[0], v[1]);
  return h < 1e-12 ? [0, 0] : [(r * v[0]) / h, (r * v[1]) / h];
}

/** Rows of the 10-10 system: midline polar angle (front +, back -) and the equator azimuth of the row's end. */
const ROWS: Record<string, { mid: number; end: number; endName?: string }> = {
  AF: { mid: 67.5, end: 36 },
  F: { mid: 45, end: 54 },
  FC: { mid: 22.5, end: 72, endName: 'FT' },
  C: { mid: 0, end: 90, endName: 'T' },
  CP: { mid: -22.5, end: 108, endName: 'TP' },
  P: { mid: -45, end: 126 },
  PO: { mid: -67.5, end: 144 },
};

function position(name: Electrode): [number, number] {
  const fixed: Record<string, Vec> = {
    Fpz: sphere(90, 0), Fp1: sphere(90, -18), Fp2: sphere(90, 18), Oz: sphere(90, 180), O1: sphere(90, -162), O2: sphere(90, 162),
    Iz: sphere(112.5, 180), T9: sphere(112.5, -90), T10: sphere(112.5, 90),
  };
  if (fixed[name]) return project(fixed[name]);
  const m = /^(AF|FC|FT|TP|CP|PO|F|C|T|P)(z|\d+)$/.exec(name);
  if (!m) throw new Error(`10-10 position: cannot parse electrode ${name}`);
  let row = m[1];
  if (row === 'FT') row = 'FC';
  else if (row === 'TP') row = 'CP';
  else if (row === 'T') row = 'C';
  const r = ROWS[row];
  const mid = r.mid >= 0 ? sphere(r.mid, 0) : sphere(-r.mid, 180);
  if (m[2] === 'z') return project(mid);
  const k = Number(m[2]);
  const right = k % 2 === 0;
  const step = right ? k / 2 : (k + 1) / 2; // 1..4 away from the midline; 4 = the row's equator end (F8, FT8, T8 ...)
  const end = sphere(90, right ? r.end : -r.end);
  return project(slerp(mid, end, step / 4));
}

/** 2-D drawing positions of the 64 electrodes (unit circle = the 10-10 equator through Fpz, T7, Oz, T8). */
export const POSITIONS: Record<Electrode, [number, number]> = Object.fromEntries(EEGMMIDB_CHANNELS.map((c) => [c, position(c)])) as Record<Electrode, [number, number]>;
