import { html, safeHref, scriptJson, trusted } from './escape';

describe('html escaping', () => {
  it('escapes every interpolated string, passes SafeHtml through', () => {
    const name = '<script>alert(1)</script>';
    expect(html`<td title="${'" onmouseover="x'}">${name}</td>`.value).toBe('<td title="&quot; onmouseover=&quot;x">&lt;script&gt;alert(1)&lt;/script&gt;</td>');
    expect(html`<p>${trusted('<b>ok</b>')}${['<a>', html`<i>x</i>`]}</p>`.value).toBe('<p><b>ok</b>&lt;a&gt;<i>x</i></p>');
  });

  it('JSON inside a script element cannot close it', () => {
    const s = scriptJson({ row: '</script><script>alert(1)</script>' });
    expect(s).not.toMatch(/<\/?script/i);
    expect(JSON.parse(s).row).toBe('</script><script>alert(1)</script>');
  });

  it('links only to http(s)', () => {
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref('http://127.0.0.1:5000/#/x')).toBe('http://127.0.0.1:5000/#/x');
  });
});

import { compactSeeds } from './provenance';

describe('compactSeeds', () => {
  it('prints integer seed runs as ranges', () => {
    expect(compactSeeds(['3', '0', '1', '2', '7', '9', '10'])).toBe('0\u20133, 7, 9, 10');
    expect(compactSeeds(['a', 'b'])).toBe('a, b');
  });
});
