/**
 * The renderer's Content-Security-Policy, one list for both ways the page is served: the
 * Electron window (src-main/index.ts) and `flowbench serve` (host/app/serve.ts, which adds
 * frame-ancestors: a browser tab, unlike the app window, can be framed by another site).
 */
const DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
];

export function contentSecurityPolicy(extra: readonly string[] = []): string {
  return [...DIRECTIVES, ...extra].join('; ');
}
