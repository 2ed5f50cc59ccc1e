/**
 * task.json's `messages` is the one catalogue. tsc already checks each key the code uses and its
 * number of arguments (src/engine/catalog.ts is generated from task.json); these tests check that
 * the generated file is current, that no message is left unused, and how messages are formatted.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format, msg } from '../../src/engine/messages';

const root = path.resolve(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require(path.join(root, 'scripts', 'messages.js')) as { generate(): string; target: string };

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') && e.name !== 'catalog.ts' ? [path.join(dir, e.name)] : []);
}

describe('messages: task.json is the one catalogue', () => {
  const catalogue = (JSON.parse(fs.readFileSync(path.join(root, 'task.json'), 'utf8')) as { messages: Record<string, string> }).messages;

  it('src/engine/catalog.ts is generated from the task.json beside it', () => {
    assert.equal(fs.readFileSync(path.join(root, 'src', 'engine', 'catalog.ts'), 'utf8'), generator.generate());
  });

  it('every message in task.json is used by the code', () => {
    const code = sources(path.join(root, 'src')).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    assert.deepEqual(Object.keys(catalogue).filter((k) => !code.includes(`'${k}'`)), []);
  });

  it('placeholders are %s only, and every message is one line', () => {
    assert.deepEqual(Object.entries(catalogue).filter(([, v]) => /%[^s]/.test(v.replace(/%s/g, '')) || /[\r\n]/.test(v)).map(([k]) => k), []);
  });

  it('formats each argument on one safe line', () => {
    assert.equal(format(msg('FeedFound', 'a\r\n##vso[task.setvariable variable=x]1', 'id')), 'Feed a\\r\\n#\\#vso[task.setvariable variable=x]1 (id).');
  });
});
