// hcloud-core in WebAssembly, driven from JavaScript (Node 20+ and browsers).
//
// The module holds the core's machines; this file owns every effect: `fetch` for each
// "send" step, `setTimeout` for each "sleep", `performance.now()` for the clock. The ABI
// is plain: JSON in through `hc_input`, JSON out through `hc_output_ptr`/`hc_output_len`
// (see src/ffi.rs).

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A typed error from the core: `kind` ("api", "transport", ...), `code` ("not_found",
 *  "rate_limit_exceeded", ...), `status` and the fields of its kind. */
export class HcloudError extends Error {
  constructor(error) {
    super(error.message);
    this.name = 'HcloudError';
    Object.assign(this, error);
  }
}

/** Loads the module from a URL, a fetch Response, or its bytes. */
export async function loadCore(source) {
  if (typeof source === 'string' || source instanceof URL) source = await fetch(source);
  if (typeof Response !== 'undefined' && source instanceof Response) {
    if (!source.ok) throw new Error(`cannot load ${source.url}: HTTP ${source.status}`);
    source = await source.arrayBuffer();
  }
  const { instance } = await WebAssembly.instantiate(source, {});
  return new Core(instance.exports);
}

/** The loaded module: makes machines from JSON specs (see src/spec.rs). */
export class Core {
  constructor(exports) {
    this.x = exports;
  }

  write(...parts) {
    const length = parts.reduce((sum, part) => sum + part.length, 0);
    const at = this.x.hc_input(length);
    const memory = new Uint8Array(this.x.memory.buffer, at, length);
    let offset = 0;
    for (const part of parts) {
      memory.set(part, offset);
      offset += part.length;
    }
  }

  read() {
    const bytes = new Uint8Array(this.x.memory.buffer, this.x.hc_output_ptr(), this.x.hc_output_len());
    return JSON.parse(decoder.decode(bytes));
  }

  machine(spec) {
    const json = encoder.encode(JSON.stringify(spec));
    this.write(json);
    const handle = this.x.hc_machine_new(json.length);
    if (handle === 0) throw new HcloudError(this.read());
    return new Machine(this, handle);
  }

  /** Machines not yet freed. */
  live() {
    return this.x.hc_machine_count();
  }
}

/** One machine: poll it, do what the step says, report back. */
export class Machine {
  constructor(core, handle) {
    this.core = core;
    this.handle = handle;
  }

  poll(now) {
    this.core.x.hc_machine_poll(this.handle, now);
    return this.core.read();
  }

  respond(now, status, headerLines, body) {
    const head = encoder.encode(headerLines);
    this.core.write(head, body);
    if (!this.core.x.hc_machine_response(this.handle, now, status, head.length, body.length)) {
      throw new HcloudError(this.core.read());
    }
  }

  /** `kind`: 0 connection refused, 1 timeout, 2 anything else. */
  transportError(now, kind, maybeSent) {
    if (!this.core.x.hc_machine_transport_error(this.handle, now, kind, maybeSent ? 1 : 0)) {
      throw new HcloudError(this.core.read());
    }
  }

  free() {
    this.core.x.hc_machine_free(this.handle);
  }
}

const inBrowser = typeof window !== 'undefined';

// Browsers set User-Agent themselves; asking for another would need the server's CORS consent.
const DROP = inBrowser ? ['user-agent'] : [];

/** How fetch failed, as the core's transport failure: [kind, maybeSent]. */
function classify(error) {
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') return [1, true];
  const code = error?.cause?.code;
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'].includes(code)) return [0, false];
  return [2, true];
}

function sleeper(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}

async function send(machine, step, { fetch: doFetch = globalThis.fetch, now, timeoutMs = 30000, signal }) {
  const headers = step.headers.filter(([name]) => !DROP.includes(name));
  const timeout = AbortSignal.timeout(timeoutMs);
  const init = { method: step.method, headers, body: step.body ?? undefined };
  init.signal = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let response;
  let body;
  try {
    response = await doFetch(step.url, init);
    body = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    signal?.throwIfAborted();
    const [kind, maybeSent] = classify(error);
    // A failure while reading the body happened after the request went out.
    machine.transportError(now(), kind, maybeSent || response !== undefined);
    return;
  }
  let lines = '';
  for (const [name, value] of response.headers) lines += `${name}: ${value}\n`;
  machine.respond(now(), response.status, lines, body);
}

/**
 * Runs a machine until it is done: the whole driver. Resolves with the output, rejects
 * with an HcloudError. Options: fetch, now (ms), sleep, onStep(step), onProgress(action),
 * timeoutMs (per request), signal (AbortSignal).
 */
export async function drive(machine, options = {}) {
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms) => sleeper(ms, options.signal));
  for (;;) {
    options.signal?.throwIfAborted();
    const step = machine.poll(now());
    options.onStep?.(step);
    for (const action of step.progress ?? []) options.onProgress?.(action);
    if (step.step === 'send') await send(machine, step, { ...options, now });
    else if (step.step === 'sleep') await sleep(step.ms);
    else if (step.step === 'done') return step.output;
    else throw new HcloudError(step.error);
  }
}

const seed = () => Math.floor(Math.random() * 2 ** 32);

/** A small client over the machines; each call makes, drives and frees one. */
export class Client {
  /** `options`: token, endpoint, retry, plus defaults for `drive`. */
  constructor(core, { token, endpoint, retry, ...driveOptions }) {
    this.core = core;
    this.base = { config: { token, endpoint }, ...(retry ? { retry } : {}) };
    this.driveOptions = driveOptions;
  }

  machine(spec) {
    return this.core.machine({ ...this.base, seed: seed(), ...spec });
  }

  async run(spec, options = {}) {
    const machine = this.machine(spec);
    try {
      return await drive(machine, { ...this.driveOptions, ...options });
    } finally {
      machine.free();
    }
  }

  /** Pages of servers (`{servers, pagination, cursor}`), fetched as they are consumed. */
  async *pages(query = {}, options = {}) {
    const machine = this.machine({ kind: 'list_servers', ...query });
    try {
      for (;;) {
        const page = await drive(machine, { ...this.driveOptions, ...options });
        if (page === null) return;
        yield page;
      }
    } finally {
      machine.free();
    }
  }

  async listServers(query = {}, options = {}) {
    const servers = [];
    for await (const page of this.pages(query, options)) servers.push(...page.servers);
    return servers;
  }

  getServer(id, options) {
    return this.run({ kind: 'get_server', id }, options);
  }

  createServer(fields, options) {
    return this.run({ kind: 'create_server', ...fields }, options);
  }

  deleteServer(id, options) {
    return this.run({ kind: 'delete_server', id }, options);
  }

  /** Waits for actions as last seen; `options.onProgress` sees every change. */
  waitActions(actions, { wait, ...options } = {}) {
    return this.run({ kind: 'wait_actions', actions, ...(wait ? { wait } : {}) }, options);
  }

  waitServerStatus(id, until, { wait, ...options } = {}) {
    return this.run({ kind: 'wait_server_status', id, until, ...(wait ? { wait } : {}) }, options);
  }
}
