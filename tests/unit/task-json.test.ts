// task.json and the extension manifest against the task contract: names, types, defaults and
// required flags are what YAML pipelines and classic definitions rely on, so they are pinned here.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

interface TaskInput {
  name: string;
  type: string;
  label?: string;
  defaultValue?: string;
  required?: boolean;
  groupName?: string;
  visibleRule?: string;
  helpMarkDown?: string;
  options?: Record<string, string>;
  properties?: Record<string, string>;
}

interface TaskJson {
  id: string;
  name: string;
  friendlyName: string;
  category: string;
  version: { Major: number; Minor: number; Patch: number };
  minimumAgentVersion: string;
  instanceNameFormat: string;
  groups: { name: string; displayName: string }[];
  inputs: TaskInput[];
  dataSourceBindings: { target: string; endpointId: string; endpointUrl: string; resultTemplate: string; parameters?: Record<string, string> }[];
  outputVariables: { name: string; description: string }[];
  execution: Record<string, { target: string; argumentFormat: string }>;
  messages: Record<string, string>;
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as T;
}

// The contract's inputs table: name, type, default, required.
const CONTRACT: { name: string; type: string; defaultValue: string; required: boolean }[] = [
  { name: 'action', type: 'pickList', defaultValue: 'promote', required: false },
  { name: 'feed', type: 'pickList', defaultValue: '', required: true },
  { name: 'packageType', type: 'pickList', defaultValue: 'nuget', required: false },
  { name: 'packages', type: 'multiLine', defaultValue: '', required: true },
  { name: 'version', type: 'string', defaultValue: '', required: false },
  { name: 'view', type: 'pickList', defaultValue: '', required: false },
  { name: 'sourceView', type: 'string', defaultValue: '', required: false },
  { name: 'prerelease', type: 'pickList', defaultValue: 'include', required: false },
  { name: 'keepLatest', type: 'int', defaultValue: '0', required: false },
  { name: 'olderThanDays', type: 'int', defaultValue: '0', required: false },
  { name: 'deprecateMessage', type: 'string', defaultValue: '', required: false },
  { name: 'downloadDirectory', type: 'string', defaultValue: '$(System.DefaultWorkingDirectory)', required: false },
  { name: 'dryRun', type: 'boolean', defaultValue: 'false', required: false },
  { name: 'maxVersions', type: 'int', defaultValue: '100', required: false },
  { name: 'failOnNoMatch', type: 'boolean', defaultValue: 'true', required: false },
  { name: 'waitSeconds', type: 'int', defaultValue: '0', required: false },
  { name: 'connection', type: 'connectedService:externaltfs', defaultValue: '', required: false },
];

const PICKLISTS: Record<string, string[]> = {
  action: ['promote', 'unlist', 'relist', 'deprecate', 'undeprecate', 'delete', 'restore', 'permanentDelete', 'download', 'show'],
  packageType: ['nuget', 'npm', 'pypi', 'maven', 'upack', 'cargo'],
  prerelease: ['include', 'exclude', 'only'],
};

const OUTPUTS = ['changedCount', 'resultFile', 'result', 'feedUrl', 'downloadedFiles'];

// The folder the packaging script stages the task into, and what it must hold.
const TASK_FOLDER = 'PackageLifecycleV1';

describe('task.json: identity and execution', () => {
  const task = readJson<TaskJson>('task.json');

  it('is PackageLifecycle major version 1 in the Azure Artifacts category', () => {
    assert.match(task.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(task.name, 'PackageLifecycle');
    assert.equal(task.friendlyName, 'Package lifecycle (Azure Artifacts)');
    assert.equal(task.category, 'Azure Artifacts');
    assert.equal(task.version.Major, 1);
    assert.ok(task.instanceNameFormat.length > 0);
  });

  it('has Node20_1 and Node24 handlers naming dist/index.js, and the agent version Node24 needs', () => {
    for (const handler of ['Node20_1', 'Node24']) {
      assert.deepEqual(task.execution[handler], { target: 'dist/index.js', argumentFormat: '' }, handler);
    }
    assert.deepEqual(Object.keys(task.execution).sort(), ['Node20_1', 'Node24']);
    // Agent 4.265.1 is the first that runs the Node24 handler.
    const [maj, min, pat] = task.minimumAgentVersion.split('.').map(Number);
    assert.ok(maj * 1e6 + min * 1e3 + pat >= 4 * 1e6 + 265 * 1e3 + 1, task.minimumAgentVersion);
  });

  it('declares every output variable with a description', () => {
    assert.deepEqual(task.outputVariables.map((o) => o.name).sort(), [...OUTPUTS].sort());
    for (const o of task.outputVariables) assert.ok(o.description.length > 0, o.name);
  });

  it('keeps a messages object for the engine', () => {
    assert.equal(typeof task.messages, 'object');
  });
});

describe('task.json: inputs match the contract', () => {
  const task = readJson<TaskJson>('task.json');
  const byName = new Map(task.inputs.map((i) => [i.name, i]));

  it('has exactly the contract inputs, each once', () => {
    assert.deepEqual(task.inputs.map((i) => i.name).sort(), CONTRACT.map((c) => c.name).sort());
    assert.equal(byName.size, task.inputs.length);
  });

  for (const c of CONTRACT) {
    it(`${c.name}: ${c.type}, default "${c.defaultValue}", ${c.required ? 'required' : 'optional'}`, () => {
      const input = byName.get(c.name);
      assert.ok(input, c.name);
      assert.equal(input.type, c.type);
      assert.equal(input.defaultValue ?? '', c.defaultValue);
      assert.equal(input.required ?? false, c.required);
      assert.ok(input.label && input.label.length > 0, 'label');
      assert.ok(input.helpMarkDown && input.helpMarkDown.length > 0, 'helpMarkDown');
    });
  }

  it('pickLists offer exactly the contract options', () => {
    for (const [name, values] of Object.entries(PICKLISTS)) {
      assert.deepEqual(Object.keys(byName.get(name)?.options ?? {}), values, name);
    }
  });

  it('feed and view are editable pickLists', () => {
    for (const name of ['feed', 'view']) {
      assert.equal(byName.get(name)?.properties?.EditableOptions, 'True', name);
    }
  });

  it('every input sits in a group that exists, and the four groups are used', () => {
    const groups = new Set(task.groups.map((g) => g.name));
    assert.equal(groups.size, 4);
    for (const input of task.inputs) {
      assert.ok(input.groupName, `${input.name} has no group`);
      assert.ok(groups.has(input.groupName), `${input.name}: unknown group ${input.groupName}`);
    }
    for (const g of groups) assert.ok(task.inputs.some((i) => i.groupName === g), `group ${g} is empty`);
  });
});

describe('task.json: visible rules', () => {
  const task = readJson<TaskJson>('task.json');
  const byName = new Map(task.inputs.map((i) => [i.name, i]));

  function clauses(rule: string): { name: string; op: string; value: string }[] {
    assert.ok(!(rule.includes('&&') && rule.includes('||')), `${rule}: && and || cannot be mixed`);
    return rule.split(/&&|\|\|/).map((part) => {
      const m = /^\s*(\w+)\s*(=|!=)\s*(\S+)\s*$/.exec(part);
      assert.ok(m, `cannot read clause "${part}" of "${rule}"`);
      return { name: m[1], op: m[2], value: m[3] };
    });
  }

  it('name only existing inputs and values those inputs can take', () => {
    for (const input of task.inputs) {
      if (!input.visibleRule) continue;
      for (const c of clauses(input.visibleRule)) {
        const target = byName.get(c.name);
        assert.ok(target, `${input.name}: rule names unknown input ${c.name}`);
        assert.notEqual(c.name, input.name, `${input.name}: rule names itself`);
        if (target.options) {
          assert.ok(c.value in target.options, `${input.name}: ${c.name} has no option ${c.value}`);
        } else if (target.type === 'boolean') {
          assert.ok(['true', 'false'].includes(c.value), `${input.name}: ${c.value} is not a boolean`);
        }
      }
    }
  });

  it('show each action-specific input only for its action', () => {
    assert.equal(byName.get('view')?.visibleRule, 'action = promote');
    assert.equal(byName.get('deprecateMessage')?.visibleRule, 'action = deprecate');
    assert.equal(byName.get('downloadDirectory')?.visibleRule, 'action = download');
  });

  it('leave the always-needed inputs visible', () => {
    for (const name of ['action', 'feed', 'packageType', 'packages', 'version']) {
      assert.equal(byName.get(name)?.visibleRule, undefined, name);
    }
  });
});

describe('task.json: pickers for the classic editor', () => {
  const task = readJson<TaskJson>('task.json');
  const bindings = new Map(task.dataSourceBindings.map((b) => [b.target, b]));

  it('the feed picker lists the collection feeds as projectId/feedId or /feedId', () => {
    const feed = bindings.get('feed');
    assert.ok(feed);
    assert.equal(feed.endpointId, 'tfs:feed');
    assert.match(feed.endpointUrl, /^\{\{endpoint\.url\}\}\/_apis\/packaging\/feeds$/);
    const template = JSON.parse(feed.resultTemplate.replace(/\{\{[^}]*\}\}\}?/g, 'X')) as { Value: string; DisplayValue: string };
    assert.ok(template.Value && template.DisplayValue);
    assert.ok(feed.resultTemplate.includes('{{#if project}}{{{project.id}}}{{/if}}/{{{id}}}'), feed.resultTemplate);
  });

  it('the view picker lists the chosen feed views, in the feed project when it has one', () => {
    const view = bindings.get('view');
    assert.ok(view);
    assert.equal(view.endpointId, 'tfs:feed');
    assert.equal(view.parameters?.feed, '$(feed)');
    assert.match(view.endpointUrl, /_apis\/packaging\/feeds\/.*\/views$/);
    assert.ok(view.resultTemplate.includes('{{{id}}}'));
  });

  it('bind only inputs that exist and are pickLists', () => {
    const byName = new Map(task.inputs.map((i) => [i.name, i]));
    for (const b of task.dataSourceBindings) assert.equal(byName.get(b.target)?.type, 'pickList', b.target);
  });
});

describe('task.json: extension manifest and packaging', () => {
  interface Manifest {
    id: string;
    version: string;
    icons: { default: string };
    content: { details: { path: string } };
    files: { path: string }[];
    contributions: { type: string; properties: { name: string } }[];
  }
  const manifest = readJson<Manifest>('vss-extension.json');

  it('contributes one task, from the folder the packaging script stages', () => {
    assert.equal(manifest.id, 'package-lifecycle');
    const tasks = manifest.contributions.filter((c) => c.type === 'ms.vss-distributed-task.task');
    assert.equal(tasks.length, 1);
    assert.equal(tasks[0].properties.name, TASK_FOLDER);
    assert.ok(manifest.files.some((f) => f.path === TASK_FOLDER));
    const script = fs.readFileSync(path.join(root, 'scripts', 'package.js'), 'utf8');
    assert.ok(script.includes(`'${TASK_FOLDER}'`), 'scripts/package.js stages a different folder');
  });

  it('points at files that exist in the repository', () => {
    for (const file of [manifest.icons.default, manifest.content.details.path, 'task.json']) {
      assert.ok(fs.existsSync(path.join(root, file)), file);
    }
  });

  it('npm run package builds a small .vsix with the task and no node_modules', function () {
    if (!fs.existsSync(path.join(root, 'dist', 'index.js'))) this.skip(); // no bundle until the build makes one
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'package.js')], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    const vsix = path.join(root, '.build', `your-publisher.${manifest.id}-${manifest.version}.vsix`);
    const size = fs.statSync(vsix).size;
    assert.ok(size < 2 * 1024 * 1024, `${size} bytes`);
    const names = zipEntryNames(fs.readFileSync(vsix));
    for (const want of [
      'extension.vsixmanifest',
      'images/icon.png',
      'README.md',
      `${TASK_FOLDER}/task.json`,
      `${TASK_FOLDER}/icon.png`,
      `${TASK_FOLDER}/dist/index.js`,
      `${TASK_FOLDER}/dist/lib.json`,
    ]) {
      assert.ok(names.includes(want), `${want} missing from ${names.join(', ')}`);
    }
    assert.ok(!names.some((n) => n.includes('node_modules')), 'node_modules in the .vsix');
    assert.ok(!names.some((n) => n.endsWith('.ts') || n.endsWith('.map')), 'sources in the .vsix');
  });
});

// The names in a zip's central directory (a .vsix is a zip).
function zipEntryNames(zip: Buffer): string[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  assert.ok(eocd >= 0, 'not a zip');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let n = 0; n < count; n++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, 'bad central directory');
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}
