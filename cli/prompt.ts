import { HeliosError } from '../core/errors/HeliosError.js';

/**
 * Asks a yes/no question on the terminal; `yes` (from --yes) answers it. Refuses to ask when stdin is
 * not a terminal: a script must say --yes, never hang or guess (so do ask and askSecret).
 */
export async function confirm(question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  const answer = await ask(`${question} [y/N] `, `${question.replace(/\?$/, '')}: stdin is not a terminal, so nothing can be asked; use --yes`);
  return /^y(es)?$/i.test(answer.trim());
}

/**
 * Asks for a line on the terminal with zx's question (the question on stderr); `otherwise` is the
 * error when stdin is not one. zx is loaded only to ask.
 */
export async function ask(question: string, otherwise: string): Promise<string> {
  refuseWithoutTerminal(otherwise);
  const { question: line } = await import('zx');
  return line(question, { output: process.stderr });
}

/**
 * Asks for a secret on the terminal without echoing it (as `docker login` does): raw mode, so what is
 * typed is never shown; backspace works, Ctrl-C and Ctrl-D give up.
 */
export async function askSecret(question: string, otherwise: string): Promise<string> {
  refuseWithoutTerminal(otherwise);
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let secret = '';
      stdin.on('data', (chunk: Buffer) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') return resolve(secret);
          if (ch === '\u0003' || ch === '\u0004') return reject(new HeliosError('INVALID_ARGUMENT', `${question.replace(/:\s*$/, '')}: not given`));
          secret = ch === '\u007f' || ch === '\b' ? secret.slice(0, -1) : secret + ch;
        }
      });
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    stdin.removeAllListeners('data');
    process.stderr.write('\n');
  }
}

function refuseWithoutTerminal(otherwise: string): void {
  if (!process.stdin.isTTY) throw new HeliosError('INVALID_ARGUMENT', otherwise);
}
