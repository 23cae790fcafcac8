// The guest console in an xterm.js terminal that fills its container and follows the color scheme.
import { FitAddon } from '@xterm/addon-fit';
import { Terminal, type IDisposable } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { ConsoleAddon, type ConsolePort } from './console-addon.ts';
import { el } from './dom.ts';
import { fontFromCss, themeFromCss } from './terminal-theme.ts';

export class TerminalView implements IDisposable {
  /** The container; `data-testid="terminal"`. */
  readonly element: HTMLDivElement;
  readonly terminal: Terminal;
  private readonly _fit = new FitAddon();
  private readonly _console: ConsoleAddon;
  private readonly _resize: ResizeObserver;
  private readonly _scheme = matchMedia('(prefers-color-scheme: dark)');
  private readonly _onScheme = (): void => this.applyTheme();
  private readonly _narrow = matchMedia('(max-width: 600px)');
  private readonly _onNarrow = (): void => {
    this.terminal.options.fontSize = this._fontSize();
    this.fit();
  };
  private _fitFrame = 0;

  /** Opens the terminal in `parent`, which must be in the document (xterm measures fonts there). */
  constructor(parent: HTMLElement, port: ConsolePort) {
    this.element = el('div', { class: 'terminal', 'data-testid': 'terminal' });
    parent.append(this.element);
    this.terminal = new Terminal({
      cursorBlink: true,
      fontFamily: fontFromCss(this.element),
      fontSize: this._fontSize(),
      scrollback: 5000,
      theme: themeFromCss(this.element),
    });
    this.terminal.loadAddon(this._fit);
    this._console = new ConsoleAddon(port);
    this.terminal.loadAddon(this._console);
    this.terminal.attachCustomKeyEventHandler((e) => this._clipboardKeys(e));
    this.terminal.open(this.element);
    this._scheme.addEventListener('change', this._onScheme);
    this._narrow.addEventListener('change', this._onNarrow);
    this._resize = new ResizeObserver(() => this._scheduleFit());
    this._resize.observe(this.element);
    this.fit();
  }

  /** Resizes the terminal to its container (the guest is not told; see the report). */
  fit(): void {
    if (this.element.clientWidth > 0 && this.element.clientHeight > 0) this._fit.fit();
  }

  focus(): void {
    this.terminal.focus();
  }

  applyTheme(): void {
    this.terminal.options.theme = themeFromCss(this.element);
  }

  dispose(): void {
    cancelAnimationFrame(this._fitFrame);
    this._resize.disconnect();
    this._scheme.removeEventListener('change', this._onScheme);
    this._narrow.removeEventListener('change', this._onNarrow);
    this._console.dispose();
    this.terminal.dispose();
    this.element.remove();
  }

  /** Smaller on phones, so a shell line still fits about 45 columns. */
  private _fontSize(): number {
    return this._narrow.matches ? 12 : 14;
  }

  private _scheduleFit(): void {
    cancelAnimationFrame(this._fitFrame);
    this._fitFrame = requestAnimationFrame(() => this.fit());
  }

  /** Ctrl+Shift+C copies the selection; Ctrl+Shift+V lets the browser's paste event through. */
  private _clipboardKeys(e: KeyboardEvent): boolean {
    if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey || e.altKey || e.metaKey) return true;
    if (e.code === 'KeyC') {
      e.preventDefault();
      if (this.terminal.hasSelection()) void navigator.clipboard?.writeText(this.terminal.getSelection()).catch(() => {});
      return false;
    }
    // Not prevented: the browser fires `paste` on xterm's textarea, and xterm pastes (bracketed if asked).
    if (e.code === 'KeyV') return false;
    return true;
  }
}
