// The browser builds of vega, vega-lite and vega-embed, read from
// node_modules at build time and inlined, so a report works opened from disk
// with no network. Read once per process.
import { createHash } from 'crypto';
import * as fs from 'fs';

import * as path from 'path';

// [package, minified browser build beside the package's CommonJS entry (build/)].
// vega-embed's `exports` map hides its build files, so paths are taken from the entry point.
const LIBS: Array<[string, string]> = [['vega', 'vega.min.js'], ['vega-lite', 'vega-lite.min.js'], ['vega-embed', 'vega-embed.min.js']];

let cached: string[] | undefined;

export function browserLibs(): string[] {
  cached ??= LIBS.map(([pkg, name]) => {
    const file = path.join(path.dirname(require.resolve(pkg)), name);
    if (!fs.existsSync(file)) throw new Error(`${file}: the browser build of ${pkg} is missing (reports inline it); is ${pkg} installed?`);
    // The source-map comment would point devtools at a file beside the report.
    const code = fs.readFileSync(file, 'utf8').replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n');
    if (/<\/script|<!--/i.test(code)) throw new Error(`${file}: contains '</script' or '<!--' and cannot be inlined in a <script> element`);
    return code;
  });
  return cached;
}

/** CSP source for an inline script: only scripts this library wrote run, even if markup were injected. */
export function scriptHash(code: string): string {
  return `'sha256-${createHash('sha256').update(code, 'utf8').digest('base64')}'`;
}

/**
 * Runs in the page: draws each chart with vega-embed from the specs in
 * #kdlab-charts and then hides its static SVG. Where JavaScript is off, the
 * static SVG stays. A failure is logged as a console error and the static SVG kept.
 */
export const BOOT_SCRIPT = `(function () {
  var specs = JSON.parse(document.getElementById('kdlab-charts').textContent);
  var live = document.querySelectorAll('[data-chart]');
  for (var i = 0; i < live.length; i++) (function (el) {
    var spec = specs[el.getAttribute('data-chart')];
    var target = el.querySelector('.chart-live');
    vegaEmbed(target, spec, { actions: false, renderer: 'svg' }).then(function () {
      el.classList.add('is-live');
    }).catch(function (err) {
      console.error('chart ' + el.getAttribute('data-chart') + ': ' + err);
    });
  })(live[i]);
})();`;
