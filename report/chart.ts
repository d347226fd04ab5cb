/**
 * Horizontal bar charts as inline SVG, on a log scale: per-stage cost and capacity span five
 * orders of magnitude, which a linear axis would flatten to one visible bar.
 */
import { escapeHtml } from './html';

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** The value as printed at the end of the bar. */
  readonly text: string;
}

const ROW_PX = 26;
const LABEL_PX = 90;
const BAR_PX = 300;
const VALUE_PX = 110;

export function logBarChart(title: string, bars: readonly Bar[], color: string): string {
  const positive = bars.filter((b) => b.value > 0);
  const low = Math.floor(Math.log10(Math.min(...positive.map((b) => b.value), 1)));
  const high = Math.max(low + 1, Math.ceil(Math.log10(Math.max(...positive.map((b) => b.value), 1))));
  const width = (v: number) => (v > 0 ? Math.max(2, ((Math.log10(v) - low) / (high - low)) * BAR_PX) : 0);
  const height = 30 + bars.length * ROW_PX + 20;
  const rows = bars.map((b, i) => {
    const y = 30 + i * ROW_PX;
    return [
      `<text x="${LABEL_PX - 6}" y="${y + 15}" text-anchor="end">${escapeHtml(b.label)}</text>`,
      `<rect x="${LABEL_PX}" y="${y + 3}" width="${width(b.value).toFixed(1)}" height="${ROW_PX - 8}" fill="${color}"><title>${escapeHtml(`${b.label}: ${b.text}`)}</title></rect>`,
      `<text x="${(LABEL_PX + width(b.value) + 6).toFixed(1)}" y="${y + 15}">${escapeHtml(b.text)}</text>`,
    ].join('');
  });
  const ticks = Array.from({ length: high - low + 1 }, (_, i) => {
    const x = LABEL_PX + (i / (high - low)) * BAR_PX;
    return `<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="26" y2="${height - 18}" stroke="#ddd"/><text x="${x.toFixed(1)}" y="${height - 4}" text-anchor="middle" class="tick">1e${low + i}</text>`;
  });
  return [
    `<svg class="chart" role="img" aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg" width="${LABEL_PX + BAR_PX + VALUE_PX}" height="${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<text x="0" y="16" font-weight="bold">${escapeHtml(title)}</text>`,
    ...ticks,
    ...rows,
    '</svg>',
  ].join('\n');
}
