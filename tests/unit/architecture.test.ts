/** The direction of the arrows: adapters depend on the engine; the engine on its ports only. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');
const engine = path.join(root, 'src', 'engine');

describe('architecture: the engine reaches the world only through its ports', () => {
  const files = fs.readdirSync(engine).filter((f) => f.endsWith('.ts'));

  it('imports nothing of task-lib, node:fs, node:* or the adapters, and never touches process', () => {
    const bad: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(path.join(engine, f), 'utf8');
      for (const m of text.matchAll(/from '([^']+)'|require\('([^']+)'\)/g)) {
        const spec = m[1] ?? m[2];
        if (spec.startsWith('node:') || spec.includes('task-lib') || /^\.\.\/(task|cli|wiring|adapters|outputs|azure)\b/.test(spec) || !spec.startsWith('.')) bad.push(`${f}: ${spec}`);
      }
      if (/\bprocess\./.test(text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''))) bad.push(`${f}: process`);
    }
    assert.deepEqual(bad, []);
    assert.ok(files.length >= 10, 'the engine files were found');
  });
});
