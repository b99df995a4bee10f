// Audit several pages in ONE Chromium session (Lighthouse's Node API), writing one JSON report each.
// Usage: node tests/js/lighthouse.mjs <out-dir> <categories,comma,separated> <url>...
// CHROME_PATH names the browser (Debian's Chromium); CHROME_FLAGS adds its flags.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const [outDir, categories, ...urls] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH,
  chromeFlags: (process.env.CHROME_FLAGS || "").split(" ").filter(Boolean),
});
let failed = 0;
try {
  for (const [index, url] of urls.entries()) {
    try {
      const result = await lighthouse(url, {
        port: chrome.port,
        output: "json",
        logLevel: "error",
        onlyCategories: categories.split(","),
      });
      writeFileSync(join(outDir, `${index}.json`), result.report);
    } catch (error) {
      failed += 1;
      console.error(`${url}: ${error}`);
    }
  }
} finally {
  await chrome.kill();
}
process.exit(failed ? 1 : 0);
