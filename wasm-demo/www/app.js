// The demo page: the core in WebAssembly, the IO in the browser.
import { Client, HcloudError, loadCore } from '/js/hcloud.mjs';

const $ = (id) => document.getElementById(id);
const started = performance.now();

function log(text) {
  const line = `${((performance.now() - started) / 1000).toFixed(2).padStart(7)}s  ${text}\n`;
  $('log').textContent += line;
  $('log').scrollTop = $('log').scrollHeight;
}

/** Every step the machines take, as they take it. */
function onStep(step) {
  if (step.step === 'send') log(`send   ${step.method} ${step.url}`);
  else if (step.step === 'sleep') log(`sleep  ${Math.round(step.ms)} ms`);
  else if (step.step === 'failed') log(`failed ${step.error.kind}/${step.error.code}`);
  else if (step.output === null) log('done   (end of the list)');
  else if (!step.last) log(`done   (page ${step.output.pagination.page}, more may follow)`);
  else log('done');
  if (step.rate_limit) $('core-status').textContent = `core ready · rate limit ${step.rate_limit.remaining}/${step.rate_limit.limit}`;
}

function showError(error) {
  const box = $('error');
  box.replaceChildren();
  if (error instanceof HcloudError) {
    const head = document.createElement('div');
    head.append('Error ');
    for (const [label, value] of [['kind', error.kind], ['code', error.code], ['status', error.status]]) {
      if (value === undefined) continue;
      const code = document.createElement('code');
      code.className = `error-${label}`;
      code.textContent = value;
      head.append(`${label} `, code, ' ');
    }
    const message = document.createElement('div');
    message.textContent = error.message;
    box.append(head, message);
  } else {
    box.textContent = `Error: ${error}`;
  }
  box.classList.add('shown');
}

function clearError() {
  $('error').classList.remove('shown');
}

function client() {
  return new Client(core, { token: $('token').value, endpoint: $('endpoint').value, onStep });
}

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  return td;
}

function renderServers(servers) {
  const rows = servers.map((server) => {
    const tr = document.createElement('tr');
    tr.dataset.id = server.id;
    const status = cell(server.status);
    status.className = `status status-${server.status}`;
    tr.append(cell(server.id), cell(server.name), status, cell(server.server_type?.name),
      cell(server.location?.name), cell(server.public_net?.ipv4?.ip));
    return tr;
  });
  $('servers').replaceChildren(...rows);
  $('server-count').textContent = `(${servers.length})`;
}

async function listServers() {
  clearError();
  try {
    // Small pages, so the paginator's walk shows in the step log.
    renderServers(await client().listServers({ per_page: 5, sort: ['id:asc'] }));
  } catch (error) {
    showError(error);
  }
}

function actionRow(action) {
  let row = document.querySelector(`.action[data-id="${action.id}"]`);
  if (!row) {
    row = document.createElement('div');
    row.className = 'action';
    row.dataset.id = action.id;
    row.append(document.createElement('span'), document.createElement('progress'), document.createElement('span'));
    row.children[1].max = 100;
    $('actions').append(row);
  }
  row.children[0].textContent = action.command;
  row.children[1].value = action.progress;
  row.children[2].textContent = `${action.progress}% ${action.status}`;
  row.dataset.status = action.status;
}

function showCreated(server) {
  $('created-name').textContent = server.name;
  $('created-id').textContent = server.id;
  $('created-status').textContent = server.status;
  $('created-status').className = `status status-${server.status}`;
  $('created').classList.add('shown');
}

async function createServer() {
  clearError();
  $('create').disabled = true;
  $('actions').replaceChildren();
  try {
    const api = client();
    const created = await api.createServer({
      name: $('name').value,
      server_type: 'cpx22',
      image: 'ubuntu-24.04',
      location: 'fsn1',
      labels: { demo: 'wasm' },
    });
    showCreated(created.server);
    const actions = [created.action, ...created.next_actions];
    actions.forEach(actionRow);
    await api.waitActions(actions, { onProgress: actionRow, wait: { interval_ms: 250, max_interval_ms: 1000 } });
    showCreated(await api.waitServerStatus(created.server.id, 'running', { wait: { interval_ms: 250 } }));
    $('name').value = `demo-${Math.random().toString(36).slice(2, 7)}`;
    await listServers();
  } catch (error) {
    showError(error);
  } finally {
    $('create').disabled = false;
  }
}

async function getServer() {
  clearError();
  try {
    const server = await client().getServer(Number($('server-id').value));
    renderServers([server]);
  } catch (error) {
    showError(error);
  }
}

let core;
try {
  const config = await (await fetch('/config.json')).json();
  $('endpoint').value = config.endpoint ?? '';
  $('token').value = config.token ?? '';
  $('name').value = `demo-${Math.random().toString(36).slice(2, 7)}`;
  core = await loadCore('/pkg/hcloud.wasm');
  $('core-status').textContent = 'core ready';
  $('list').onclick = listServers;
  $('create').onclick = createServer;
  $('get').onclick = getServer;
  for (const id of ['list', 'create', 'get']) $(id).disabled = false;
  document.body.dataset.ready = 'true';
  await listServers();
} catch (error) {
  $('core-status').textContent = 'the core failed to load';
  showError(error);
}
