// The latency plot, hand-written SVG (no plotting dependency): latency percentiles against load, Rank
// beside echo, on a log scale; one panel per load shape (closed loop by concurrency, open loop by rate).
export interface Series {
  name: string;
  /** One value per x label; undefined leaves a gap. */
  values: (number | undefined)[];
  color: string;
  dashed?: boolean;
}

export interface Panel {
  title: string;
  xTitle: string;
  labels: string[];
  series: Series[];
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const PW = 460;
const PH = 320;
const M = { left: 56, right: 16, top: 34, bottom: 48 };

/** Powers of ten (and 2×, 5×) covering [min, max], for a log axis. */
export function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) for (const m of [1, 2, 5]) ticks.push(m * 10 ** e);
  return ticks.filter((t) => t >= min / 1.0001 && t <= max * 1.0001);
}

function panel(p: Panel, dx: number, lo: number, hi: number): string[] {
  // Drawn at y 0..PH; the caller places it with a translate.
  const w = PW - M.left - M.right;
  const h = PH - M.top - M.bottom;
  const X = (i: number) => dx + M.left + (p.labels.length === 1 ? w / 2 : (i * w) / (p.labels.length - 1));
  const Y = (v: number) => M.top + h * (1 - (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)));
  const out = [`<text x="${dx + PW / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${escapeXml(p.title)}</text>`];
  for (const t of logTicks(lo, hi)) {
    out.push(`<line x1="${dx + M.left}" x2="${dx + PW - M.right}" y1="${Y(t).toFixed(1)}" y2="${Y(t).toFixed(1)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${dx + M.left - 6}" y="${(Y(t) + 4).toFixed(1)}" text-anchor="end" font-size="10">${t >= 1 ? t : t.toPrecision(1)}</text>`);
  }
  p.labels.forEach((label, i) => out.push(`<text x="${X(i).toFixed(1)}" y="${PH - M.bottom + 16}" text-anchor="middle" font-size="10">${escapeXml(label)}</text>`));
  out.push(`<text x="${dx + M.left + w / 2}" y="${PH - 12}" text-anchor="middle" font-size="11">${escapeXml(p.xTitle)}</text>`);
  out.push(`<text transform="translate(${dx + 14},${M.top + h / 2}) rotate(-90)" text-anchor="middle" font-size="11">latency ms (log)</text>`);
  out.push(`<rect x="${dx + M.left}" y="${M.top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`);
  for (const s of p.series) {
    const points = s.values.map((v, i) => (v !== undefined && v > 0 && Number.isFinite(v) ? `${X(i).toFixed(1)},${Y(Math.max(lo, v)).toFixed(1)}` : undefined));
    // Consecutive defined points form one polyline; a gap starts another.
    let run: string[] = [];
    const flush = () => {
      if (run.length > 1) out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,4"' : ''} points="${run.join(' ')}"/>`);
      run = [];
    };
    for (const point of points) {
      if (point === undefined) flush();
      else {
        run.push(point);
        const [cx, cy] = point.split(',');
        out.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="${s.color}"/>`);
      }
    }
    flush();
  }
  return out;
}

export function latencyPlot(panels: readonly Panel[], caption: string): string {
  const values = panels.flatMap((p) => p.series.flatMap((s) => s.values)).filter((v): v is number => v !== undefined && v > 0 && Number.isFinite(v));
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values, 1)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values, 10)));
  const series = panels[0]?.series ?? [];
  // Two panels a row: a store's closed loop beside its open loop.
  const columns = Math.min(2, Math.max(1, panels.length));
  const rows = Math.max(1, Math.ceil(panels.length / columns));
  const width = PW * columns;
  const legendY = PH * rows + 8;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${Math.max(width, 700)}" height="${PH * rows + 60}" font-family="sans-serif">`, `<rect width="100%" height="100%" fill="white"/>`];
  panels.forEach((p, i) => out.push(`<g transform="translate(0,${Math.floor(i / columns) * PH})">`, ...panel(p, (i % columns) * PW, lo, hi), '</g>'));
  series.forEach((s, i) => {
    const x = 20 + (i % 4) * 170;
    const y = legendY + Math.floor(i / 4) * 18;
    out.push(`<line x1="${x}" x2="${x + 24}" y1="${y + 6}" y2="${y + 6}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,4"' : ''}/><text x="${x + 30}" y="${y + 10}" font-size="11">${escapeXml(s.name)}</text>`);
  });
  out.push(`<text x="20" y="${legendY + 44}" font-size="10" fill="#555">${escapeXml(caption)}</text>`, '</svg>');
  return out.join('\n');
}
