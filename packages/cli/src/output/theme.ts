// Colours and symbols in one place; plain when NO_COLOR is set or output is not a terminal.
import pc from 'picocolors';

export const color = pc;

export const symbols = {
  ok: pc.green('✔'),
  fail: pc.red('✖'),
  warn: pc.yellow('▲'),
  info: pc.cyan('ℹ'),
  arrow: pc.dim('›'),
} as const;
