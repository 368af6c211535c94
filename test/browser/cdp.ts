// A tiny Chrome DevTools Protocol client over --remote-debugging-pipe:
// Chromium reads commands on fd 3 and writes replies and events on fd 4,
// each a JSON message ended by a NUL byte. No WebSocket, no puppeteer, no
// browser download: Debian's chromium, driven as it is.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export interface CdpEvent {
  method: string;
  params: Record<string, unknown>;
  sessionId?: string;
}

interface Pending {
  resolve: (value: Record<string, unknown>) => void;
  reject: (error: Error) => void;
  method: string;
}

export class Browser {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private buffer = '';
  readonly events: CdpEvent[] = [];
  private readonly listeners = new Set<(event: CdpEvent) => void>();
  stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly input: Writable,
    output: Readable,
    private readonly profile: string,
  ) {
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => this.receive(chunk));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    child.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error(`chromium exited while waiting for ${p.method}\n${this.stderr.slice(-2000)}`));
      this.pending.clear();
    });
  }

  /** Starts headless Chromium (no sandbox: the tests run as root) with a throw-away profile. */
  static launch(executable = process.env.CHROMIUM ?? '/usr/bin/chromium'): Browser {
    if (!existsSync(executable)) throw new Error(`no Chromium at ${executable}: install Debian's chromium (.ci/setup does), or set CHROMIUM to its path`);
    const profile = mkdtempSync(join(tmpdir(), 'hpcrun-chromium-'));
    const child = spawn(
      executable,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--remote-debugging-pipe',
        `--user-data-dir=${profile}`,
        '--no-first-run',
        '--no-default-browser-check',
        '--disable-extensions',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        '--mute-audio',
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
    );
    const stdio = child.stdio as unknown as [null, null, Readable, Writable, Readable];
    return new Browser(child, stdio[3], stdio[4], profile);
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\0')) >= 0) {
      const text = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 1);
      const message = JSON.parse(text) as { id?: number; result?: Record<string, unknown>; error?: { message: string }; method?: string; params?: Record<string, unknown>; sessionId?: string };
      if (message.id !== undefined) {
        const p = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (!p) continue;
        if (message.error) p.reject(new Error(`${p.method}: ${message.error.message}`));
        else p.resolve(message.result ?? {});
      } else if (message.method) {
        const event: CdpEvent = { method: message.method, params: message.params ?? {}, sessionId: message.sessionId };
        this.events.push(event);
        for (const listener of this.listeners) listener(event);
      }
    }
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const message = JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.input.write(`${message}\0`);
    });
  }

  /** Resolves with the first event named `method` (from now on) for which `match` holds. */
  waitFor(method: string, match: (event: CdpEvent) => boolean = () => true, timeoutMs = 20_000): Promise<CdpEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`no ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (event: CdpEvent): void => {
        if (event.method !== method || !match(event)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(event);
      };
      this.listeners.add(listener);
    });
  }

  /** A new page (tab) with its own flattened session. */
  async newPage(): Promise<Page> {
    const { targetId } = (await this.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await this.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    return new Page(this, sessionId);
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) resolve();
      else this.child.once('exit', () => resolve());
    });
    await this.send('Browser.close').catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    rmSync(this.profile, { recursive: true, force: true });
  }
}

export class Page {
  constructor(
    readonly browser: Browser,
    readonly sessionId: string,
  ) {}

  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return this.browser.send(method, params, this.sessionId);
  }

  /** This page's events so far. */
  events(method?: string): CdpEvent[] {
    return this.browser.events.filter((e) => e.sessionId === this.sessionId && (method === undefined || e.method === method));
  }

  /** Navigates and waits for the load event. */
  async goto(url: string): Promise<void> {
    const loaded = this.browser.waitFor('Page.loadEventFired', (e) => e.sessionId === this.sessionId);
    const result = (await this.send('Page.navigate', { url })) as { errorText?: string };
    if (result.errorText) throw new Error(`cannot open ${url}: ${result.errorText}`);
    await loaded;
  }

  /** Evaluates an expression in the page and returns its value (JSON-serialisable). */
  async evaluate<T>(expression: string): Promise<T> {
    const reply = (await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true })) as {
      result: { value?: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (reply.exceptionDetails) throw new Error(`page threw: ${reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text}`);
    return reply.result.value as T;
  }

  /** A PNG of the whole page at the given width. */
  async screenshot(width = 1280): Promise<Buffer> {
    // Lay the page out at the width first: its height depends on it.
    await this.send('Emulation.setDeviceMetricsOverride', { width, height: 900, deviceScaleFactor: 1, mobile: false });
    const height = await this.evaluate<number>('Math.ceil(document.documentElement.scrollHeight)');
    await this.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
    const { data } = (await this.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true })) as { data: string };
    return Buffer.from(data, 'base64');
  }
}
