import { randomBytes } from 'node:crypto';

/**
 * What reaches an operator's terminal (review L5). Every control character (C0, DEL, C1) of what
 * the CLI prints shows as a `\u001b`-style escape, so a crafted job's command, env, container error
 * or any other string the master sends cannot move the cursor, retitle the window or clear the
 * screen (kubectl's CVE-2021-25743). Output's line, table and JSON printers put everything through
 * here, so no command has to remember to.
 *
 * The CLI's own sequences (colours, watch's redraw) are written with `markEscapes`: ESC becomes a
 * mark of random bits drawn at start-up, which no string from the master can hold, and only the
 * mark turns back into ESC on the way out.
 */
const MARK = `\u{F8FF}${randomBytes(8).toString('hex')}\u{F8FF}`;

// eslint-disable-next-line no-control-regex -- the control characters are what is replaced
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const escape = (ch: string) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** The CLI's own escape sequences, marked to pass through to the terminal. */
export const markEscapes = (sequence: string) => sequence.replaceAll('\x1b', MARK);

/** Clears the screen and puts the cursor home (watch's redraw). */
export const clearScreen = markEscapes('\x1b[H\x1b[2J');
/** Erases the line and puts the cursor at its start (a progress line redrawn in place; CR is escaped as any C0). */
export const clearLine = markEscapes('\x1b[2K\x1b[1G');

/** One table cell or one-line message: every control character escaped (a line break too), marked sequences kept. */
export const terminalCell = (text: string) => text.replace(CONTROL, escape).replaceAll(MARK, '\x1b');

/** Lines for the terminal: the line breaks between them kept, every other control character escaped. */
export const terminalText = (text: string) => text.split('\n').map(terminalCell).join('\n');

/**
 * JSON for the terminal: JSON.stringify escapes C0 characters but leaves DEL and C1 raw; they are
 * written as `\u007f`-style escapes too, which a JSON reader turns back into the same string.
 */
export const terminalJson = (value: unknown, indent?: number) =>
  JSON.stringify(value, null, indent).replace(/[\u007f-\u009f]/g, escape);
