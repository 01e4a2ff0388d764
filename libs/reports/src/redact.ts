// Credentials never reach a report: user:password in URLs, secret-looking
// query parameters, and params/tags whose names say they hold a secret.
import type { ReportRun } from './run';

const SECRET_NAME = /(pass(word|wd)?|secret|token|api[-_]?key|access[-_]?key|credential|auth(?!or)|private[-_]?key)/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** `https://user:pw@host/x?token=abc` -> `https://host/x?token=***`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    for (const k of [...u.searchParams.keys()]) if (isSecretName(k)) u.searchParams.set(k, '***');
    return u.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
  } catch {
    return redactText(url);
  }
}

/** Userinfo inside any URL in free text, and `name=value` pairs with a secret-looking name. */
export function redactText(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+(:[^\s/@]*)?@/gi, '$1')
    .replace(/\b([\w.-]*(?:pass(?:word|wd)?|secret|token|api[-_]?key|access[-_]?key|credential)[\w.-]*)=([^\s&;,]+)/gi, '$1=***');
}

function cleanMap(m: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) if (!isSecretName(k)) out[k] = redactText(String(v));
  return out;
}

/** A copy of the run with secrets dropped from params/tags and userinfo removed from every string. */
export function redactRun(run: ReportRun): ReportRun {
  return {
    ...run,
    runName: redactText(run.runName),
    experimentName: redactText(run.experimentName),
    artifactUri: run.artifactUri === undefined ? undefined : redactText(run.artifactUri),
    params: cleanMap(run.params),
    tags: cleanMap(run.tags),
  };
}
