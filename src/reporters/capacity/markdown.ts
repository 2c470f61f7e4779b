// capacity.md: the CI step summary ($GITHUB_STEP_SUMMARY) of a capacity run.
import type { CapacityReport } from '../../metrics/capacity/types.js';
import { escapeMarkdown } from '../markdown.js';
import { STEP_HEADER, analysisLines, stepCells } from './rows.js';

/** The Markdown summary: planning line first, then the analysis and the step table. */
export function renderCapacityMarkdown(r: CapacityReport): string {
  const steps = [...r.steps].sort((a, b) => a.target - b.target);
  const row = (cells: string[]): string => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
  return [
    `## soakstorm capacity — ${escapeMarkdown(r.runId)}`,
    '',
    r.analysis.plan ? `**${escapeMarkdown(r.analysis.plan.line)}**` : '**No step passed: no capacity to plan with.**',
    '',
    ...analysisLines(r).map((l) => `- ${escapeMarkdown(l)}`),
    '',
    `SLOs: ${r.slos.length > 0 ? r.slos.map((s) => `\`${s}\``).join(', ') : 'none'} · target \`${r.target}\``,
    '',
    row(STEP_HEADER),
    `|${STEP_HEADER.map((_, i) => (i === 0 || i === STEP_HEADER.length - 1 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...steps.map((s) => row(stepCells(s))),
    '',
  ].join('\n');
}
