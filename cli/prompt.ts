import { HeliosError } from '../core/errors/HeliosError.js';

/**
 * Asks a yes/no question on the terminal; `yes` (from --yes) answers it. Refuses to ask when stdin is
 * not a terminal: a script must say --yes, never hang or guess.
 */
export async function confirm(question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) {
    throw new HeliosError('INVALID_ARGUMENT', `${question.replace(/\?$/, '')}: stdin is not a terminal, so nothing can be asked; use --yes`);
  }
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
