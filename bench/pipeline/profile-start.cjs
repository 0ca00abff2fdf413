// Preloaded (NODE_OPTIONS=--require) into every process of `bot dev` by profile.ts: samples the CPU from start
// to exit and writes <argv>-<pid>.cpuprofile into $PROF_DIR. (--cpu-prof itself is not allowed in NODE_OPTIONS.)
const inspector = require('node:inspector');
const fs = require('node:fs');
const path = require('node:path');

const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 500 });
session.post('Profiler.start');
process.on('exit', () => {
  // An in-thread session answers synchronously, so the profile is written before the process ends.
  session.post('Profiler.stop', (error, result) => {
    if (error) return;
    const name = `${
      process.argv
        .slice(2)
        .join('_')
        .replace(/[^a-z0-9_]/gi, '')
        .slice(0, 40) || 'main'
    }-${process.pid}.cpuprofile`;
    fs.writeFileSync(path.join(process.env.PROF_DIR, name), JSON.stringify(result.profile));
  });
});
