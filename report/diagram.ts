/** DOT → SVG in Node with Graphviz compiled to WebAssembly (@viz-js/viz): the page needs no script. */
type Viz = Awaited<ReturnType<typeof import('@viz-js/viz').instance>>;
let viz: Promise<Viz> | undefined;

/** The SVG element alone (no XML prolog or doctype), ready to inline in HTML. */
export async function dotToSvg(dot: string): Promise<string> {
  // Loaded on first use: Graphviz's WebAssembly is 1.2 MB that every other command would parse.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  viz ??= (require('@viz-js/viz') as typeof import('@viz-js/viz')).instance();
  const svg = (await viz).renderString(dot, { format: 'svg' });
  return svg.slice(svg.indexOf('<svg'));
}
