/**
 * Preloaded (`-r`) into a child process whose memory a test measures: at
 * exit it writes `peak-rss-kb N` (the process's maximum resident set size,
 * from process.resourceUsage) to stderr.
 */
import * as fs from 'fs';

process.on('exit', () => {
  fs.writeSync(2, `peak-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
