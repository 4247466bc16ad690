// Small inline SVG charts for the HTML report (no plotting dependency): a line chart of series over
// labelled points, and a grouped bar chart.
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

export const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface Series {
  name: string;
  /** One value per label; undefined leaves a gap. */
  values: (number | undefined)[];
  dashed?: boolean;
}

const W = 720;
const H = 300;
const M = { left: 50, right: 200, top: 20, bottom: 70 };

function axes(max: number): string[] {
  const out: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const value = (max * i) / 4;
    const y = M.top + (H - M.top - M.bottom) * (1 - i / 4);
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="#ddd"/><text x="${M.left - 6}" y="${y + 4}" text-anchor="end" font-size="11">${value.toFixed(3)}</text>`);
  }
  return out;
}

function legend(names: string[], dashed: boolean[] = []): string[] {
  return names.map((name, i) => {
    const y = M.top + 14 + i * 18;
    return `<line x1="${W - M.right + 12}" x2="${W - M.right + 32}" y1="${y - 4}" y2="${y - 4}" stroke="${COLORS[i % COLORS.length]}" stroke-width="3"${dashed[i] ? ' stroke-dasharray="5,3"' : ''}/><text x="${W - M.right + 38}" y="${y}" font-size="12">${escapeXml(name)}</text>`;
  });
}

export function lineChart(title: string, labels: string[], series: Series[]): string {
  const max = Math.max(0.01, ...series.flatMap((s) => s.values.filter((v): v is number => v !== undefined))) * 1.1;
  const x = (i: number) => M.left + (labels.length === 1 ? (W - M.left - M.right) / 2 : ((W - M.left - M.right) * i) / (labels.length - 1));
  const y = (v: number) => M.top + (H - M.top - M.bottom) * (1 - v / max);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="${escapeXml(title)}"><title>${escapeXml(title)}</title>`, ...axes(max)];
  series.forEach((s, si) => {
    const color = COLORS[si % COLORS.length];
    const points = s.values.map((v, i) => (v === undefined ? undefined : `${x(i).toFixed(1)},${y(v).toFixed(1)}`));
    const path = points.filter(Boolean).join(' ');
    if (path) parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,3"' : ''} points="${path}"/>`);
    s.values.forEach((v, i) => {
      if (v !== undefined) parts.push(`<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${color}"><title>${escapeXml(`${s.name} ${labels[i]}: ${v.toFixed(4)}`)}</title></circle>`);
    });
  });
  labels.forEach((label, i) => parts.push(`<text transform="translate(${x(i).toFixed(1)},${H - M.bottom + 12}) rotate(30)" font-size="10">${escapeXml(label)}</text>`));
  parts.push(...legend(series.map((s) => s.name), series.map((s) => !!s.dashed)), '</svg>');
  return parts.join('');
}

export function barChart(title: string, groups: string[], series: { name: string; values: number[] }[]): string {
  const max = Math.max(0.01, ...series.flatMap((s) => s.values)) * 1.1;
  const plotW = W - M.left - M.right;
  const groupW = plotW / groups.length;
  const barW = (groupW * 0.8) / series.length;
  const y = (v: number) => M.top + (H - M.top - M.bottom) * (1 - v / max);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="${escapeXml(title)}"><title>${escapeXml(title)}</title>`, ...axes(max)];
  groups.forEach((group, gi) => {
    series.forEach((s, si) => {
      const v = s.values[gi] ?? 0;
      const x0 = M.left + gi * groupW + groupW * 0.1 + si * barW;
      parts.push(`<rect x="${x0.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(y(0) - y(v)).toFixed(1)}" fill="${COLORS[si % COLORS.length]}"><title>${escapeXml(`${s.name}, ${group}: ${v.toFixed(4)}`)}</title></rect>`);
    });
    parts.push(`<text x="${(M.left + gi * groupW + groupW / 2).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle" font-size="12">${escapeXml(group)}</text>`);
  });
  parts.push(...legend(series.map((s) => s.name)), '</svg>');
  return parts.join('');
}
