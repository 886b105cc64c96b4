/**
 * Preloaded (`node --import`) into a child process whose resource use a test measures: at exit it writes the peak
 * resident set size and the CPU time used to the file named by DIVOC_USAGE_FILE.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.DIVOC_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const cpu = process.cpuUsage();
    writeFileSync(
      file,
      JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024, cpuMs: (cpu.user + cpu.system) / 1000 }),
    );
  });
}
