// Static SVG of a vega-lite chart, rendered in Node (vega's SVG string
// renderer needs no canvas), so the report reads without JavaScript.
import type { ChartDef } from './chart';

// vega/vega-lite are loaded on first use: requiring them costs ~0.5 s.
type Vega = typeof import('vega');
type VegaLite = typeof import('vega-lite');
let libs: { vega: Vega; vl: VegaLite } | undefined;
function load(): { vega: Vega; vl: VegaLite } {
  libs ??= { vega: require('vega') as Vega, vl: require('vega-lite') as VegaLite };
  return libs;
}

export async function renderSvg(chart: ChartDef): Promise<string> {
  const { vega, vl } = load();
  const compiled = vl.compile(chart.spec, { logger: quietLogger(vega) }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Warn, logger: quietLogger(vega) });
  try {
    return compactSvg(assertInert(await view.toSVG(), chart.id));
  } finally {
    view.finalize();
  }
}

/** Vega warnings collected instead of printed; an error still throws. */
function quietLogger(vega: Vega) {
  const logger = vega.logger(vega.Warn);
  logger.warn = () => logger;
  return logger;
}

/**
 * vega escapes the text it draws; this guards the report against a future
 * change in that: no active elements, no event-handler attributes, no
 * javascript: URLs in the markup (escaped text inside attribute values is fine).
 */
export function assertInert(svg: string, id: string): string {
  const fail = (what: string) => {
    throw new Error(`chart '${id}': rendered SVG holds ${what}; refusing to inline it`);
  };
  for (const tag of svg.matchAll(/<\/?([a-zA-Z][\w:-]*)([^>]*)>/g)) {
    if (/^(script|foreignobject|iframe|object|embed|use)$/i.test(tag[1])) fail(`a <${tag[1]}> element`);
    const attrs = tag[2].replace(/"[^"]*"/g, '""');
    if (/["\s]on[a-z]+\s*=/i.test(` ${attrs}`)) fail('an event-handler attribute');
    if (/\shref\s*=\s*"\s*javascript:/i.test(tag[2])) fail('a javascript: link');
  }
  return svg;
}

/** Geometry to 0.01 px (vega prints 16 digits); text and labels are left as they are. */
export function compactSvg(svg: string): string {
  return svg.replace(/\s(d|transform|points|x|y|x1|x2|y1|y2|width|height|cx|cy|r)="([^"]*)"/g, (_m, name: string, value: string) => ` ${name}="${value.replace(/(\d+\.\d\d)\d+/g, '$1')}"`);
}
