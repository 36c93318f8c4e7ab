// The wasm core driven from Node against the simulator over loopback.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';

import { Client, HcloudError, drive } from '../js/hcloud.mjs';
import { loadBuiltCore, simulator } from './helpers.mjs';

const TOKEN = 'sim-token';
let core;

before(async () => {
  core = await loadBuiltCore();
});

after(() => {
  assert.equal(core.live(), 0, 'every machine was freed');
});

/** Records the steps a client's machines take. */
function recorder() {
  const steps = [];
  return { steps, onStep: (step) => steps.push(step) };
}

describe('against a simulator', { timeout: 60_000 }, () => {
  let sim;
  let api;

  before(async () => {
    sim = await simulator('--action-seconds', '2');
    api = new Client(core, { token: TOKEN, endpoint: sim.url });
  });

  after(() => sim?.stop());

  test('lists servers over several pages with one paginator', async () => {
    for (let i = 1; i <= 7; i++) {
      await api.createServer({ name: `paged-${i}`, server_type: 'cpx22', image: 'ubuntu-24.04', labels: { suite: 'paging' } });
    }
    const { steps, onStep } = recorder();
    const pages = [];
    for await (const page of api.pages({ label_selector: 'suite=paging', per_page: 3, sort: ['id:asc'] }, { onStep })) {
      pages.push(page);
    }
    assert.deepEqual(pages.map((p) => p.servers.length), [3, 3, 1]);
    assert.deepEqual(pages.map((p) => p.pagination.page), [1, 2, 3]);
    assert.deepEqual(pages.at(-1).cursor, { next_page: null, per_page: 3 });
    const names = pages.flatMap((p) => p.servers.map((s) => s.name));
    assert.deepEqual(names, [1, 2, 3, 4, 5, 6, 7].map((i) => `paged-${i}`));
    const urls = steps.filter((s) => s.step === 'send').map((s) => new URL(s.url).searchParams.get('page'));
    assert.deepEqual(urls, ['1', '2', '3']);
    assert.equal(steps.at(-1).step, 'done');
    assert.equal(steps.at(-1).output, null, 'the walk ends with null');
  });

  test('resumes a walk from a cursor', async () => {
    const rest = await api.listServers({ label_selector: 'suite=paging', per_page: 3, page: 3 });
    assert.deepEqual(rest.map((s) => s.name), ['paged-7']);
  });

  test('creates a server and waits for its actions, seeing their progress', async () => {
    const created = await api.createServer({ name: 'waited-1', server_type: 'cpx22', image: 'ubuntu-24.04' });
    assert.equal(created.server.name, 'waited-1');
    assert.equal(created.action.command, 'create_server');
    assert.equal(typeof created.root_password, 'string');
    const actions = [created.action, ...created.next_actions];
    const progress = [];
    const done = await api.waitActions(actions, {
      onProgress: (action) => progress.push(action),
      wait: { interval_ms: 150, max_interval_ms: 300, timeout_ms: 20_000 },
    });
    assert.deepEqual(done.map((a) => a.status), actions.map(() => 'success'));
    assert.ok(progress.some((a) => a.status === 'running' && a.progress > 0 && a.progress < 100), 'progress between 0 and 100');
    assert.ok(progress.some((a) => a.status === 'success' && a.progress === 100), 'progress to success');
    const server = await api.waitServerStatus(created.server.id, 'running', { wait: { interval_ms: 100, max_attempts: 50 } });
    assert.equal(server.status, 'running');
    assert.equal((await api.getServer(created.server.id)).status, 'running');
    const deleted = await api.deleteServer(created.server.id);
    assert.equal(deleted.command, 'delete_server');
  });

  test('a missing server is a typed not_found error', async () => {
    const { steps, onStep } = recorder();
    const error = await api.getServer(999999, { onStep }).then(
      () => assert.fail('expected not_found'),
      (e) => e,
    );
    assert.ok(error instanceof HcloudError);
    assert.equal(error.kind, 'api');
    assert.equal(error.code, 'not_found');
    assert.equal(error.status, 404);
    assert.equal(error.retryable, false);
    assert.match(error.correlation_id, /\S/);
    assert.equal(steps.filter((s) => s.step === 'send').length, 1, 'not_found is not retried');
  });

  test('invalid input is rejected before anything is sent', async () => {
    const { steps, onStep } = recorder();
    const error = await api.createServer({ name: 'not a hostname!', server_type: 'cpx22', image: 'x' }, { onStep }).catch((e) => e);
    assert.equal(error.kind, 'input');
    assert.equal(error.field, 'name');
    assert.equal(steps.filter((s) => s.step === 'send').length, 0);
    const bad = await api.listServers({ per_page: 0 }).catch((e) => e);
    assert.equal(bad.field, 'per_page');
  });

  test('a malformed spec is a spec error', () => {
    assert.throws(() => core.machine({ kind: 'get_server', config: { token: TOKEN } }), { kind: 'spec' });
    assert.throws(() => core.machine({ kind: 'reboot', config: { token: TOKEN } }), /unknown kind/);
  });
});

describe('rate limiting', { timeout: 60_000 }, () => {
  let sim;

  before(async () => {
    // Two requests, then one more per second.
    sim = await simulator('--rate-limit', '2/1');
  });

  after(() => sim?.stop());

  test('without retries a 429 surfaces as rate_limit_exceeded; with them the call backs off and succeeds', async () => {
    const noRetry = new Client(core, { token: TOKEN, endpoint: sim.url, retry: { max_retries: 0 } });
    await noRetry.listServers();
    await noRetry.listServers();
    const error = await noRetry.listServers().catch((e) => e);
    assert.ok(error instanceof HcloudError, String(error));
    assert.equal(error.code, 'rate_limit_exceeded');
    assert.equal(error.status, 429);
    assert.equal(error.retryable, true);

    const { steps, onStep } = recorder();
    const retrying = new Client(core, { token: TOKEN, endpoint: sim.url, retry: { base_delay_ms: 300, max_retries: 8 }, onStep });
    const started = performance.now();
    // The bucket is still empty: this call has to wait for the refill.
    const servers = await retrying.listServers();
    assert.ok(Array.isArray(servers));
    const sleeps = steps.filter((s) => s.step === 'sleep');
    assert.ok(sleeps.length >= 1, `the machine backed off: ${JSON.stringify(steps.map((s) => s.step))}`);
    // A rate-limit backoff is at least the base delay (less the moment between deciding and
    // polling). Timers may fire a little early; the machine then asks for the rest.
    assert.ok(sleeps[0].ms >= 290, JSON.stringify(sleeps));
    const sends = steps.filter((s) => s.step === 'send').length;
    assert.ok(sends >= 2, 'the request was sent again after the backoff');
    assert.equal(steps.at(-1).step, 'done');
    assert.ok(steps.some((s) => s.rate_limit?.remaining === 0), 'the rate-limit headers reached the step');
    assert.ok(performance.now() - started < 30_000);
  });
});

describe('transport failures', { timeout: 30_000 }, () => {
  test('a refused connection is a typed transport error', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address();
        probe.close(() => resolve(port));
      });
    });
    const api = new Client(core, { token: TOKEN, endpoint: `http://127.0.0.1:${port}/v1`, retry: { max_retries: 0 } });
    const error = await api.getServer(1).catch((e) => e);
    assert.equal(error.kind, 'transport');
    assert.equal(error.transport, 'connect');
    assert.equal(error.maybe_sent, false);
  });

  test('a timed-out request is retried by the core, then reported', async () => {
    // A server that accepts and never answers.
    const sockets = new Set();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${silent.address().port}/v1`;
      const api = new Client(core, { token: TOKEN, endpoint, retry: { max_retries: 1, base_delay_ms: 10 }, timeoutMs: 200 });
      const { steps, onStep } = recorder();
      const error = await api.getServer(1, { onStep }).catch((e) => e);
      assert.equal(error.kind, 'transport');
      assert.equal(error.transport, 'timeout');
      assert.equal(steps.filter((s) => s.step === 'send').length, 2, 'one retry: GET is idempotent');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

test('the driver loop alone, with a fake fetch and a virtual clock', async () => {
  let clock = 0;
  const answers = [
    new Response(JSON.stringify({ error: { code: 'conflict', message: 'busy' } }), { status: 409 }),
    new Response(JSON.stringify({ error: { code: 'not_found', message: 'gone' } }), { status: 404 }),
  ];
  const machine = core.machine({ kind: 'get_server', id: 4, config: { token: TOKEN, endpoint: 'http://127.0.0.1:9/v1' }, seed: 1 });
  try {
    const error = await drive(machine, {
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
      fetch: async () => answers.shift(),
    }).catch((e) => e);
    assert.equal(error.code, 'not_found');
    assert.ok(clock <= 1000, 'one jittered backoff of at most the base delay');
    assert.equal(answers.length, 0, 'conflict was retried once');
  } finally {
    machine.free();
  }
});
