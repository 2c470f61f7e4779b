// Finds the commands shown in README.md and docs/*.md, so a test can run them and the docs cannot
// rot. `sh` blocks hold commands; `console` blocks hold "$ command" lines followed by the output
// they must print. A fence whose info string says `no-run` is listed but not run (TLS, a results
// directory the reader has, the bench). Commands in other fences are reported as findings.

export interface DocCommand {
  /** File and line of the command's first line, for test names. */
  where: string;
  /** The command as shown, continuation lines joined. */
  text: string;
  /** The command split into words as a POSIX shell would (quotes removed, comments dropped). */
  argv: string[];
  /** Output lines a `console` block shows after the command. */
  expected: string[];
  /** Why it is not run, if it is not. */
  skip?: string;
}

export interface Extracted {
  commands: DocCommand[];
  /** soakstorm commands in a fence with no info string: they must be marked (sh, console, text, no-run). */
  unmarked: string[];
}

/** Splits a command line into words: single and double quotes, backslash escapes, `#` comments. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote === "'") {
      if (ch === "'") quote = null;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) word += line[++i];
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (ch === '#' && !inWord) {
      break;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote !== null) throw new Error(`unclosed ${quote} in: ${line}`);
  if (inWord) words.push(word);
  return words;
}

const SOAKSTORM_LINE = /(^|\s)(npx )?soakstorm (run|lab|report|compare|merge|capacity|watch)\b/;

/** The command as shown, without a trailing "# comment" (for test names). */
function withoutComment(line: string): string {
  return line.replace(/\s+#\s.*$/, '').trim();
}

/** Lines ending in a backslash continue on the next line. */
function logicalLines(block: { line: number; text: string }[]): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let pending: { line: number; text: string } | null = null;
  for (const l of block) {
    const cur: { line: number; text: string } = pending ? { line: pending.line, text: `${pending.text} ${l.text.trim()}` } : { ...l };
    if (cur.text.endsWith('\\')) pending = { line: cur.line, text: cur.text.slice(0, -1).trimEnd() };
    else {
      pending = null;
      out.push(cur);
    }
  }
  if (pending) out.push(pending);
  return out;
}

/** Every command in one Markdown file. */
export function extractCommands(file: string, markdown: string): Extracted {
  const lines = markdown.split('\n');
  const commands: DocCommand[] = [];
  const unmarked: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const info = open[2]!.trim();
    const lang = info.split(/\s+/)[0] ?? '';
    const body: { line: number; text: string }[] = [];
    let j = i + 1;
    for (; j < lines.length && !lines[j]!.startsWith(open[1]!); j++) body.push({ line: j + 1, text: lines[j]! });
    const noRun = /(^|\s)no-run\b/.test(info) ? `marked no-run in ${file}` : undefined;
    if (lang === 'sh' || lang === 'bash' || lang === 'shell') {
      for (const l of logicalLines(body)) {
        const argv = shellWords(l.text);
        if (argv.length === 0) continue;
        commands.push({ where: `${file}:${l.line}`, text: withoutComment(l.text), argv, expected: [], ...(noRun ? { skip: noRun } : {}) });
      }
    } else if (lang === 'console') {
      let current: DocCommand | null = null;
      for (const l of logicalLines(body)) {
        if (l.text.startsWith('$ ')) {
          current = { where: `${file}:${l.line}`, text: withoutComment(l.text.slice(2)), argv: shellWords(l.text.slice(2)), expected: [], ...(noRun ? { skip: noRun } : {}) };
          commands.push(current);
        } else if (current && l.text.trim() !== '') current.expected.push(l.text);
      }
    } else {
      for (const l of body) {
        if (!SOAKSTORM_LINE.test(l.text)) continue;
        if (lang === '') unmarked.push(`${file}:${l.line}: ${l.text.trim()}`);
        else if (lang !== 'text') commands.push({ where: `${file}:${l.line}`, text: l.text.trim(), argv: [], expected: [], skip: `inside a ${lang} block in ${file} (a CI workflow step)` });
      }
    }
    i = j;
  }
  return { commands, unmarked };
}
