/** The look the live page and the run list share with the report (report/html.ts). */
export const PAGE_CSS = `body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;margin:1.2rem auto;padding:0 1.5rem;color:#222;max-width:1400px;line-height:1.4}
h1{margin:0 0 .4rem;font-size:1.5rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:1.6rem;font-size:1.2rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}th,td{border:1px solid #ddd;padding:.25rem .55rem;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}thead{background:#f4f4f4}a{color:#0b5cad}
.muted{color:#666}.okt{color:#17803d}.badt{color:#c0262d;font-weight:bold}code{background:#f4f4f4;padding:0 .2rem}
.banner{background:#fde8e8;border:2px solid #c0262d;padding:.6rem .8rem}`;

/** A whole page: title, style, body. */
export function page(title: string, body: string, css = ""): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title><link rel="icon" href="data:,"><style>${PAGE_CSS}${css}</style></head>
<body>${body}</body></html>
`;
}
