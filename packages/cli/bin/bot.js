#!/usr/bin/env node
// The `bot` binary: a thin shell over the compiled CLI.
import('../dist/cli.js').then((cli) => cli.main(process.argv));
