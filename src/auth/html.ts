const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export interface PageContent {
  title: string;
  message: string;
  /** Shown in a <pre> block (e.g. a code to copy). */
  detail?: string;
}

/** A small self-contained HTML page; every value is escaped, no scripts, no external resources. */
export function renderPage(page: PageContent): string {
  const detail = page.detail === undefined ? "" : `<pre>${escapeHtml(page.detail)}</pre>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(page.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem}pre{white-space:pre-wrap;word-break:break-all;background:#f3f3f3;padding:1rem}</style>
</head><body><h1>${escapeHtml(page.title)}</h1><p>${escapeHtml(page.message)}</p>${detail}</body></html>
`;
}

/** Security headers for the pages: nothing may be loaded or framed. */
export const PAGE_HEADERS: Record<string, string> = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};
