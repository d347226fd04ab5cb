/**
 * The review's Markdown fits a GitHub comment (65,536 characters) however large the change: the
 * most important sections come first and keep their place, and what is left out is counted and
 * pointed to the full report.
 */
import { diffSyntheses } from '../../review/diff';
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from '../../review/markdown';
import { buildReport } from '../../review/report';
import { Report } from '../../review/types';
import { readSynthesis } from '../../synthesis/read';
import { Synthesis } from '../../synthesis/stack-views';
import { synthesizeExamples } from '../helpers/examples';

const SECTIONS = [
  '### Data loss',
  '### Refused at apply',
  '### Replacements',
  '### Security',
  '### Downtime and outages',
  '### Cost',
  '### Changes',
  '### Guardrail findings on head',
];

let everything: Synthesis;
const empty: Synthesis = { label: 'empty', stacks: [] };

beforeAll(() => {
  const examples = synthesizeExamples();
  everything = readSynthesis(examples.outdir, { command: 'test', flag: '--base', given: 'examples' }, 'examples');
});

function report(base: Synthesis, head: Synthesis): Report {
  return buildReport({ mode: 'syntheses', base: base.label, head: head.label, stacks: diffSyntheses(base, head), headSynthesis: head });
}

function sectionOrder(markdown: string): number[] {
  return SECTIONS.map((heading) => markdown.indexOf(`\n${heading}\n`));
}

describe('a review too large for one comment', () => {
  it.each([
    ['every example stack created', () => report(empty, everything)],
    ['every example stack destroyed', () => report(everything, empty)],
  ])('%s: fits in 65,536 characters with every section in order, and counts what it left out', (_name, build) => {
    const full = build();
    const unlimited = renderMarkdown(full, { maxChars: Number.MAX_SAFE_INTEGER });
    expect(unlimited.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT);
    const markdown = renderMarkdown(full);
    expect(markdown.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT - 512);
    const order = sectionOrder(markdown);
    expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]))).toBe(true);
    expect(markdown).toMatch(
      /^> \d+ entries left out to fit a pull request comment; see the full report: `stagecraft review --format md` without a size limit, or the workflow’s review artifact\.$/m,
    );
    expect(markdown.split('\n')[0]).toBe(unlimited.split('\n')[0]);
  });

  it('keeps every data-loss entry of a full teardown before anything less important is cut', () => {
    const teardown = report(everything, empty);
    const markdown = renderMarkdown(teardown);
    expect(teardown.dataLoss.length).toBeGreaterThan(50);
    const lossSection = markdown.slice(markdown.indexOf('### Data loss'), markdown.indexOf('### Refused at apply'));
    expect(lossSection.split('\n').filter((l) => l.startsWith('- **')).length).toBe(teardown.dataLoss.length);
    expect(markdown).toMatch(/_… and \d+ more (security changes|downtimes or outages|stack tables or diffs left out)/);
  });

  it('honours a smaller budget, summarizing whole sections with counts', () => {
    const teardown = report(everything, empty);
    const markdown = renderMarkdown(teardown, { maxChars: 8_000, fullReport: 'the artifact' });
    expect(markdown.length).toBeLessThanOrEqual(8_000);
    expect(sectionOrder(markdown).every((at) => at > 0)).toBe(true);
    expect(markdown).toMatch(/^_… and \d+ more data-loss entries \(the artifact\)_$/m);
  });

  it('leaves a small review whole', () => {
    const small = report(everything, everything);
    expect(renderMarkdown(small)).toBe(renderMarkdown(small, { maxChars: Number.MAX_SAFE_INTEGER }));
  });
});
