// Writes src/engine/catalog.ts from task.json's `messages`: the texts, and each key's number of
// placeholders as a type, so that tsc checks every message the code builds. Run by the build;
// a unit test checks that the committed file is current.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function generate() {
  const task = JSON.parse(fs.readFileSync(path.join(root, 'task.json'), 'utf8'));
  const entries = Object.entries(task.messages);
  const lines = [
    '// Generated from task.json by scripts/messages.js: edit task.json, then run `npm run build`.',
    '/* eslint-disable */',
    '',
    '/** The message texts, as task.json has them. */',
    'export const texts = {',
    ...entries.map(([k, v]) => `  ${k}: ${JSON.stringify(v)},`),
    '} as const;',
    '',
    '/** How many arguments each message takes (its `%s` placeholders). */',
    'export interface Arity {',
    ...entries.map(([k, v]) => `  ${k}: ${(v.match(/%[sd]/g) || []).length};`),
    '}',
    '',
  ];
  return lines.join('\n');
}

const target = path.join(root, 'src', 'engine', 'catalog.ts');
const text = generate();
if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== text) fs.writeFileSync(target, text);
module.exports = { generate, target };
