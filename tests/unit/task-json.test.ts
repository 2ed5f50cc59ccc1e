// task.json against the task contract: names, types, defaults and required flags are what YAML
// pipelines and classic definitions rely on, so they are pinned here. The extension manifest and
// the .vsix are in package.test.ts.
import * as assert from 'node:assert/strict';
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
  helpUrl?: string;
  releaseNotes?: string;
  category: string;
  version: { Major: number; Minor: number; Patch: number };
  minimumAgentVersion: string;
  instanceNameFormat: string;
  groups: { name: string; displayName: string }[];
  inputs: TaskInput[];
  dataSourceBindings: { target: string; endpointId: string; endpointUrl: string; resultTemplate: string; parameters?: Record<string, string> }[];
  outputVariables: { name: string; description: string }[];
  execution: Record<string, { target: string; argumentFormat: string }>;
  restrictions?: { commands?: unknown; settableVariables?: { allowed?: string[] } };
  messages: Record<string, string>;
}

/** The repository URL placeholder every document and manifest uses. */
const REPOSITORY = 'https://github.com/package-lifecycle/package-lifecycle-task';

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as T;
}

// The contract's inputs table: name, type, default, required.
const CONTRACT: { name: string; type: string; defaultValue: string; required: boolean }[] = [
  { name: 'action', type: 'pickList', defaultValue: 'promote', required: false },
  { name: 'feed', type: 'pickList', defaultValue: '', required: true },
  { name: 'packageType', type: 'pickList', defaultValue: 'nuget', required: false },
  // Required unless packageFiles is given: task.json cannot say "one of two", so the task checks it.
  { name: 'packages', type: 'multiLine', defaultValue: '', required: false },
  { name: 'packageFiles', type: 'multiLine', defaultValue: '', required: false },
  { name: 'version', type: 'string', defaultValue: '', required: false },
  { name: 'view', type: 'pickList', defaultValue: '', required: false },
  { name: 'sourceView', type: 'pickList', defaultValue: '', required: false },
  { name: 'exceptView', type: 'pickList', defaultValue: '', required: false },
  { name: 'source', type: 'pickList', defaultValue: 'any', required: false },
  { name: 'prerelease', type: 'pickList', defaultValue: 'include', required: false },
  { name: 'keepLatest', type: 'int', defaultValue: '0', required: false },
  { name: 'olderThanDays', type: 'int', defaultValue: '0', required: false },
  { name: 'deprecateMessage', type: 'string', defaultValue: '', required: false },
  { name: 'downloadDirectory', type: 'string', defaultValue: '$(System.DefaultWorkingDirectory)', required: false },
  { name: 'dryRun', type: 'boolean', defaultValue: 'false', required: false },
  { name: 'maxVersions', type: 'int', defaultValue: '100', required: false },
  { name: 'failOnNoMatch', type: 'boolean', defaultValue: 'true', required: false },
  { name: 'waitSeconds', type: 'int', defaultValue: '0', required: false },
  { name: 'includeDependencies', type: 'boolean', defaultValue: 'false', required: false },
  { name: 'connection', type: 'connectedService:externaltfs', defaultValue: '', required: false },
  { name: 'azureDevOpsServiceConnection', type: 'connectedService:workloadidentityuser', defaultValue: '', required: false },
];

const PICKLISTS: Record<string, string[]> = {
  action: ['promote', 'unlist', 'relist', 'deprecate', 'undeprecate', 'delete', 'restore', 'permanentDelete', 'download', 'show'],
  packageType: ['nuget', 'npm', 'pypi', 'maven', 'upack', 'cargo'],
  prerelease: ['include', 'exclude', 'only'],
  source: ['any', 'local', 'upstream'],
};

// Inputs whose picker offers what the server has, and which also take a typed name.
const EDITABLE_PICKERS = ['feed', 'view', 'sourceView', 'exceptView'];

const OUTPUTS = ['changedCount', 'resultFile', 'result', 'feedUrl', 'downloadedFiles'];

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

  it('has Node20_1 and Node24 handlers naming dist/index.js', () => {
    for (const handler of ['Node20_1', 'Node24']) {
      assert.deepEqual(task.execution[handler], { target: 'dist/index.js', argumentFormat: '' }, handler);
    }
    assert.deepEqual(Object.keys(task.execution).sort(), ['Node20_1', 'Node24']);
  });

  it('asks for the agent that first runs Node20_1, not the one that first runs Node24', () => {
    // Agent 3.232.1 is the first release with the Node20_1 handler. An agent without the Node24
    // handler ignores that key in task.json and runs Node20_1, so asking for 4.265.1 (the first
    // with Node24) would only shut out v3 agents and Azure DevOps Server agents. See the README.
    assert.equal(task.minimumAgentVersion, '3.232.1');
  });

  it('points its help at the repository and carries release notes', () => {
    assert.equal(task.helpUrl, `${REPOSITORY}#readme`);
    assert.ok(task.releaseNotes && task.releaseNotes.length > 20, 'releaseNotes');
  });

  it('may set only its own output variables, and restricts no other command', () => {
    const restrictions = task.restrictions ?? {};
    assert.ok(!('commands' in restrictions), 'commands are restricted');
    assert.deepEqual(restrictions, { settableVariables: { allowed: OUTPUTS } });
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

  it('feed and the three view inputs are editable pickLists', () => {
    for (const name of EDITABLE_PICKERS) {
      assert.equal(byName.get(name)?.type, 'pickList', name);
      assert.equal(byName.get(name)?.properties?.EditableOptions, 'True', name);
    }
  });

  it('the workload identity connection is declared as NuGetAuthenticate@1 declares it', () => {
    const wif = byName.get('azureDevOpsServiceConnection');
    assert.equal(wif?.type, 'connectedService:workloadidentityuser');
    assert.deepEqual(wif?.properties, { EditableOptions: 'False', MultiSelectFlatList: 'False' });
    assert.equal(wif?.groupName, byName.get('connection')?.groupName);
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
    assert.equal(byName.get('includeDependencies')?.visibleRule, 'action = promote');
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

  it('the feed picker lists the collection feeds as projectId/feedId or /feedId, without their URLs', () => {
    const feed = bindings.get('feed');
    assert.ok(feed);
    assert.equal(feed.endpointId, 'tfs:feed');
    // includeUrls makes the server resolve every feed's URLs; the picker shows only names and ids.
    assert.equal(feed.endpointUrl, '{{endpoint.url}}/_apis/packaging/feeds?includeUrls=false');
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

  it('sourceView and exceptView use the same view picker', () => {
    const view = bindings.get('view');
    for (const target of ['sourceView', 'exceptView']) {
      assert.deepEqual(bindings.get(target), { ...view, target }, target);
    }
    assert.deepEqual(task.dataSourceBindings.map((b) => b.target).sort(), ['exceptView', 'feed', 'sourceView', 'view']);
  });

  it('bind only inputs that exist and are pickLists', () => {
    const byName = new Map(task.inputs.map((i) => [i.name, i]));
    for (const b of task.dataSourceBindings) assert.equal(byName.get(b.target)?.type, 'pickList', b.target);
  });
});
