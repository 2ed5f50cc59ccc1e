import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

/** Counts the top-level arguments that follow the key, up to the call's closing parenthesis. */
function argumentsAfterKey(text: string, from: number): number {
  let depth = 0;
  let count = 0;
  let quote = '';
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) {
      if (depth === 0) return count;
      depth--;
    } else if (c === ',' && depth === 0) count++;
  }
  return count;
}

describe('messages: task.json is the one catalogue', () => {
  const catalogue = (JSON.parse(fs.readFileSync(path.join(root, 'task.json'), 'utf8')) as { messages: Record<string, string> }).messages;
  const used = new Map<string, { file: string; args: number }>();
  for (const file of sources(path.join(root, 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\b(?:msg|UserError|tl\.loc)\(\s*'([A-Za-z]+)'/g)) {
      used.set(m[1], { file: path.relative(root, file), args: argumentsAfterKey(text, m.index! + m[0].length) });
    }
  }

  it('finds the keys the code uses', () => {
    assert.ok(used.size > 25, `only ${used.size} keys found`);
  });

  it('every key the code uses is in task.json messages', () => {
    const missing = [...used.keys()].filter((k) => !(k in catalogue));
    assert.deepEqual(missing, []);
  });

  it('every message in task.json is used', () => {
    const unused = Object.keys(catalogue).filter((k) => !used.has(k));
    assert.deepEqual(unused, []);
  });

  it('calls pass as many arguments as the message has placeholders', () => {
    const wrong = [...used.entries()]
      .filter(([k, u]) => k in catalogue && (catalogue[k].match(/%s|%d/g) ?? []).length !== u.args)
      .map(([k, u]) => `${k}: ${u.args} argument(s) in ${u.file}, ${(catalogue[k].match(/%s|%d/g) ?? []).length} placeholder(s)`);
    assert.deepEqual(wrong, []);
  });
});
