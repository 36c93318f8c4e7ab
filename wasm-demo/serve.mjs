// Serves the demo page on 127.0.0.1, beside the simulator (or any API endpoint).
//
//   node serve.mjs [--port N] [--api URL] [--token T] [--sim PATH [--sim-arg ARG]...]
//
// --api points the page at a running API (the simulator prints its URL); --sim starts the
// simulator binary at PATH on a free port instead, and stops it on exit. Prints
// "serving http://127.0.0.1:PORT/" once ready. Serves www/, js/ and pkg/ (the built .wasm)
// and /config.json with the endpoint and token the page starts with.

import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

function parseArgs(argv) {
  const options = { port: 0, api: null, token: 'sim-token', sim: null, simArgs: [] };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--port') options.port = Number(value);
    else if (flag === '--api') options.api = value;
    else if (flag === '--token') options.token = value;
    else if (flag === '--sim') options.sim = value;
    else if (flag === '--sim-arg') options.simArgs.push(value);
    else throw new Error(`unknown option ${flag}`);
  }
  return options;
}

/** Starts the simulator on a free loopback port; resolves with its process and base URL. */
export function startSimulator(binary, args = [], timeoutMs = 15000) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const timer = setTimeout(() => (child.kill(), reject(new Error('the simulator did not start in time'))), timeoutMs);
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+\S*)/);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    });
    child.on('error', (error) => (clearTimeout(timer), reject(error)));
    child.on('exit', (code) => (clearTimeout(timer), reject(new Error(`the simulator exited (${code})`))));
  });
}

/** Serves the demo; resolves with the server and its URL once listening. */
export function serveDemo({ port = 0, api, token }) {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://localhost').pathname;
    if (path === '/config.json') {
      res.writeHead(200, { 'content-type': TYPES['.json'], 'cache-control': 'no-store' });
      res.end(JSON.stringify({ endpoint: api, token }));
      return;
    }
    const relative = path === '/' ? 'www/index.html' : path.startsWith('/www/') ? path.slice(1) : `www${path}`;
    const candidates = [relative, path.slice(1)].map((p) => normalize(join(root, p)));
    const allowed = ['www', 'js', 'pkg'].map((dir) => join(root, dir) + sep);
    for (const file of candidates) {
      if (!allowed.some((dir) => file.startsWith(dir))) continue;
      try {
        const body = await readFile(file);
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
        res.end(body);
        return;
      } catch {
        // try the next candidate
      }
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}/` }));
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  const options = parseArgs(process.argv.slice(2));
  let sim = null;
  if (options.sim) {
    sim = await startSimulator(options.sim, options.simArgs);
    options.api = sim.url;
    console.log(`simulator ${sim.url} (pid ${sim.child.pid})`);
  }
  if (!options.api) throw new Error('give --api URL or --sim PATH');
  const { server, url } = await serveDemo(options);
  console.log(`serving ${url}`);
  const stop = () => {
    sim?.child.kill();
    server.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
