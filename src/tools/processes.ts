/**
 * Child-process helpers shared by `npm run playground` and the end-to-end tests: start a child in its own
 * process group, keep its output, wait for it to be ready, and stop it (and everything it started) for sure.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ManagedChild {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Every line the child wrote to stdout and stderr, in order (live). */
  readonly logs: string[];
  /** Resolves when the child has exited (never rejects). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
  /** Sends `signal` to the child only (not its group). */
  kill(signal?: NodeJS.Signals): void;
  /** SIGTERM (then SIGKILL after `graceMs`) and waits until the child and its whole process group are gone. */
  stop(graceMs?: number): Promise<void>;
  output(): string;
}

export interface StartChildOptions {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Echo each output line to this stream, prefixed with `[name]`. */
  echo?: NodeJS.WritableStream;
  /** Keep at most this many lines in `logs` (default 5000). */
  maxLines?: number;
}

const running = new Set<ManagedChild>();
let exitHookInstalled = false;

/** Last resort: whatever is still running when this process exits is killed with its group (synchronously). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const managed of running) killGroup(managed.pid, 'SIGKILL');
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** True while any process of the group led by `pid` is alive. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Starts a child in its own process group (so it and its children can be stopped together).
 * Its stdin is closed; stdout and stderr are collected line by line.
 */
export function startChild(options: StartChildOptions): ManagedChild {
  installExitHook();
  const spawnOptions: SpawnOptions = {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true
  };
  const child = spawn(options.command, options.args, spawnOptions);
  if (child.pid === undefined) throw new Error(`${options.name}: could not start ${options.command}`);
  const pid = child.pid;
  const logs: string[] = [];
  const maxLines = options.maxLines ?? 5000;
  const collect = (stream: NodeJS.ReadableStream | null) => {
    if (!stream) return;
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const line of lines) add(line);
    });
    stream.on('end', () => {
      if (pending) add(pending);
      pending = '';
    });
  };
  const add = (line: string) => {
    logs.push(line);
    if (logs.length > maxLines) logs.splice(0, logs.length - maxLines);
    options.echo?.write(`[${options.name}] ${line}\n`);
  };
  collect(child.stdout);
  collect(child.stderr);

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => {
      add(`${options.name}: ${error.message}`);
      resolve({ code: -1, signal: null });
    });
  });

  const managed: ManagedChild = {
    name: options.name,
    child,
    pid,
    logs,
    exited,
    isRunning: () => child.exitCode === null && child.signalCode === null,
    kill: (signal: NodeJS.Signals = 'SIGTERM') => {
      if (managed.isRunning()) child.kill(signal);
    },
    stop: async (graceMs = 5000) => {
      if (managed.isRunning()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      // Children of the child (an embedded Azurite, say) get a moment to shut down on their own, then are killed.
      const deadline = Date.now() + graceMs;
      while (groupAlive(pid) && Date.now() < deadline) await sleep(50);
      if (groupAlive(pid)) {
        killGroup(pid, 'SIGKILL');
        while (groupAlive(pid)) await sleep(20);
      }
      running.delete(managed);
    },
    output: () => logs.join('\n')
  };
  running.add(managed);
  void exited.then(() => {
    if (!groupAlive(pid)) running.delete(managed);
  });
  return managed;
}

/** Stops every child started through `startChild` that is still running (used by test teardown). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map((managed) => managed.stop()));
}

/** True when nothing listens on 127.0.0.1:`port` and we may bind it. */
export function portAvailable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** GET `url`; resolves with the status code, or 0 when the connection failed. */
export function httpStatus(url: string, timeoutMs = 2000): Promise<number> {
  return new Promise((resolve) => {
    const request = get(url, { timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
  });
}

/** Polls `url` until it answers 200; fails early when `child` exits, with its output in the message. */
export async function waitForHttpOk(url: string, options: { timeoutMs?: number; child?: ManagedChild } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30000);
  let last = 0;
  while (Date.now() < deadline) {
    if (options.child && !options.child.isRunning()) {
      throw new Error(`${options.child.name} exited before ${url} answered 200:\n${tail(options.child)}`);
    }
    last = await httpStatus(url);
    if (last === 200) return;
    await sleep(100);
  }
  const from = options.child ? `\n${tail(options.child)}` : '';
  throw new Error(`${url} did not answer 200 in time (last status ${last || 'no connection'})${from}`);
}

/** Waits for a line of the child's output matching `pattern` and returns the match. */
export async function waitForLine(managed: ManagedChild, pattern: RegExp, timeoutMs = 30000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  for (;;) {
    for (; seen < managed.logs.length; seen++) {
      const match = pattern.exec(managed.logs[seen]);
      if (match) return match;
    }
    if (!managed.isRunning()) {
      await sleep(50); // let the last output arrive
      const match = managed.logs.slice(seen).map((line) => pattern.exec(line)).find(Boolean);
      if (match) return match;
      throw new Error(`${managed.name} exited before printing ${pattern}:\n${tail(managed)}`);
    }
    if (Date.now() > deadline) throw new Error(`${managed.name} did not print ${pattern} in ${timeoutMs} ms:\n${tail(managed)}`);
    await sleep(50);
  }
}

export function tail(managed: ManagedChild, lines = 40): string {
  return managed.logs.slice(-lines).join('\n');
}

/**
 * Node preload that makes servers listening without a host bind 127.0.0.1 instead of every interface.
 * The Agents Playground calls `server.listen(port)`, which would otherwise be reachable from the network.
 */
const LOOPBACK_PRELOAD = `'use strict';
const net = require('net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const first = args[0];
  if (typeof first === 'number' || (typeof first === 'string' && /^\\d+$/.test(first))) {
    if (args.length === 1 || typeof args[1] === 'function') args.splice(1, 0, '127.0.0.1');
  } else if (first && typeof first === 'object' && first.path === undefined && first.host === undefined && first.port !== undefined) {
    args[0] = Object.assign({}, first, { host: '127.0.0.1' });
  }
  return listen.apply(this, args);
};
`;

export interface Sandbox {
  dir: string;
  /** Folder holding a no-op `xdg-open`: put it first on PATH so nothing tries to open a browser. */
  binDir: string;
  /** A `--require` preload that binds host-less servers to 127.0.0.1. */
  loopbackPreload: string;
  /** PATH with `binDir` first. */
  path: string;
  remove(): void;
}

/** A temp folder with the no-op `xdg-open` and the loopback preload, made at run time. */
export function createSandbox(prefix = 'bot-tools-'): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const binDir = join(dir, 'bin');
  const xdgOpen = join(binDir, 'xdg-open');
  mkdirSync(binDir);
  writeFileSync(xdgOpen, '#!/bin/sh\n# No browser here: the Agents Playground calls xdg-open and crashes when it is missing.\nexit 0\n');
  chmodSync(xdgOpen, 0o755);
  const loopbackPreload = join(dir, 'loopback.js');
  writeFileSync(loopbackPreload, LOOPBACK_PRELOAD);
  return {
    dir,
    binDir,
    loopbackPreload,
    path: `${binDir}:${process.env.PATH ?? ''}`,
    remove: () => rmSync(dir, { recursive: true, force: true })
  };
}
