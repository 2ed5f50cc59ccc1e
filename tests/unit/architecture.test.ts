/** The direction of the arrows: adapters depend on the engine; the engine on its ports only. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');
const src = path.join(root, 'src');
const engine = path.join(src, 'engine');

/** What a source file imports: `from '…'`, `import '…'` and `require('…')`. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/from '([^']+)'|import '([^']+)'|require\('([^']+)'\)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** Every package a source file reaches through its relative imports, and the files on the way. */
function reach(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of importsOf(file)) {
      if (!spec.startsWith('.')) {
        packages.add(spec);
        continue;
      }
      const base = path.resolve(path.dirname(file), spec);
      const next = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f));
      assert.ok(next, `${path.relative(root, file)} imports ${spec}, which was not found`);
      visit(next);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('architecture: the engine reaches the world only through its ports', () => {
  const files = fs.readdirSync(engine).filter((f) => f.endsWith('.ts'));

  it('imports nothing of task-lib, node:fs, node:* or the adapters, and never touches process', () => {
    const bad: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(path.join(engine, f), 'utf8');
      for (const spec of importsOf(path.join(engine, f))) {
        if (spec.startsWith('node:') || spec.includes('task-lib') || /^\.\.\/(task|cli|wiring|adapters|outputs|azure)\b/.test(spec) || !spec.startsWith('.')) bad.push(`${f}: ${spec}`);
      }
      if (/\bprocess\./.test(text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''))) bad.push(`${f}: process`);
    }
    assert.deepEqual(bad, []);
    assert.ok(files.length >= 10, 'the engine files were found');
  });

  it('the protocol table is data: it imports only the version rules, nothing above it (the engine words its refusals)', () => {
    const dir = path.join(src, 'protocols');
    const bad = fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).flatMap((f) => importsOf(path.join(dir, f)).filter((s) => !s.startsWith('./') && !/^\.\.\/versions\b/.test(s)).map((s) => `${f}: ${s}`));
    assert.deepEqual(bad, []);
  });
});

describe('architecture: task-lib in the task only', () => {
  it('the task is built on task-lib; the command line never reaches it (without an agent it writes .taskkey into the current folder)', () => {
    assert.ok(importsOf(path.join(src, 'task.ts')).includes('azure-pipelines-task-lib/task'));
    const cli = reach(path.join(src, 'cli.ts'));
    assert.ok(cli.files.size > 10, 'the command line\'s sources were followed');
    assert.deepEqual([...cli.packages].filter((p) => p.includes('task-lib')), []);
  });

  it('the bundles: dist/index.js carries task-lib, dist/cli.js none of it', function () {
    const dist = path.join(root, 'dist');
    if (!fs.existsSync(path.join(dist, 'cli.js')) || !fs.existsSync(path.join(dist, 'index.js'))) this.skip(); // no bundles until the build makes them
    // Marks of task-lib: its load guard, its key file, its own message keys.
    const marks = ['_vsts_task_lib_loaded', '.taskkey', 'LIB_ResourceFileNotSet'];
    const task = fs.readFileSync(path.join(dist, 'index.js'), 'utf8');
    for (const m of marks) assert.ok(task.includes(m), `dist/index.js lacks ${m}`);
    const cli = fs.readFileSync(path.join(dist, 'cli.js'), 'utf8');
    for (const m of marks) assert.ok(!cli.includes(m), `dist/cli.js holds ${m}`);
  });
});
