// Validates every ```mermaid block of the Markdown files given on the command line with Mermaid's own parser (the one
// the renderer uses), without a browser. Prints one line per diagram; exits 1 naming the file, the block's number and
// line, and the parser's error if any diagram does not parse, 2 on bad usage.
import { readFileSync } from 'node:fs';
import mermaid from 'mermaid';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: check-diagrams.mjs REPORT.md...');
  process.exit(2);
}

mermaid.initialize({ startOnLoad: false });
let failed = 0;
let checked = 0;
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    console.error(`${file}: cannot read: ${e.message}`);
    process.exit(2);
  }

  const lines = text.split('\n');
  let number = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```mermaid') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end].trim() !== '```') end++;
    number++;
    checked++;
    const diagram = lines.slice(start, end).join('\n');
    try {
      await mermaid.parse(diagram);
    } catch (e) {
      failed++;
      const message = String(e?.message ?? e).split('\n').join('\n    ');
      console.error(`${file}: diagram ${number} (line ${start}): ERROR\n    ${message}`);
    }
    i = end;
  }
}

console.log(`${checked} diagram(s) checked, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
