// The xterm theme from the page's CSS custom properties, so the terminal follows the color scheme.
import type { ITheme } from '@xterm/xterm';

const ANSI: (keyof ITheme)[] = [
  'black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white',
  'brightBlack', 'brightRed', 'brightGreen', 'brightYellow', 'brightBlue', 'brightMagenta', 'brightCyan', 'brightWhite',
];

/** Reads --term-bg, --term-fg, --term-cursor, --term-selection and --term-ansi-0 … 15 at `from`. */
export function themeFromCss(from: Element): ITheme {
  const style = getComputedStyle(from);
  const read = (name: string): string | undefined => style.getPropertyValue(name).trim() || undefined;
  const theme: Record<string, string | undefined> = {
    background: read('--term-bg'),
    foreground: read('--term-fg'),
    cursor: read('--term-cursor'),
    cursorAccent: read('--term-bg'),
    selectionBackground: read('--term-selection'),
  };
  ANSI.forEach((key, i) => (theme[key] = read(`--term-ansi-${i}`)));
  // Unset properties keep xterm's defaults.
  return Object.fromEntries(Object.entries(theme).filter(([, v]) => v !== undefined)) as ITheme;
}

export function fontFromCss(from: Element): string {
  return getComputedStyle(from).getPropertyValue('--font-mono').trim() || 'monospace';
}
