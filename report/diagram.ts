/** DOT → SVG in Node with Graphviz compiled to WebAssembly (@viz-js/viz): the page needs no script. */
import { instance } from '@viz-js/viz';

type Viz = Awaited<ReturnType<typeof instance>>;
let viz: Promise<Viz> | undefined;

/** The SVG element alone (no XML prolog or doctype), ready to inline in HTML. */
export async function dotToSvg(dot: string): Promise<string> {
  viz ??= instance();
  const svg = (await viz).renderString(dot, { format: 'svg' });
  return svg.slice(svg.indexOf('<svg'));
}
