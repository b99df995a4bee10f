// Audit several pages in ONE Chromium session (Lighthouse's Node API), writing one JSON report each.
// Usage: node tests/js/lighthouse.mjs <out-dir> <categories,comma,separated> <mobile|desktop> <url>...
// CHROME_PATH names the browser (Debian's Chromium); CHROME_FLAGS adds its flags (a palette, say).
// Every page gets the same settings: Lighthouse's preset, with its simulated throttling.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";

const [outDir, categories, preset, ...urls] = process.argv.slice(2);
const presets = { mobile: undefined, desktop: desktopConfig };
if (!(preset in presets)) {
  console.error(`unknown preset ${preset}: expected one of ${Object.keys(presets).join(", ")}`);
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH,
  chromeFlags: (process.env.CHROME_FLAGS || "").split(" ").filter(Boolean),
});
let failed = 0;
try {
  for (const [index, url] of urls.entries()) {
    try {
      const flags = {
        port: chrome.port,
        output: "json",
        logLevel: "error",
        onlyCategories: categories.split(","),
        // A picture of the whole page for the report's viewer only (no audit reads it); on a
        // long page it costs seconds.
        disableFullPageScreenshot: true,
        // Every page as on a first visit: Lighthouse's default keeps local storage, where the
        // previous page left the reader's cloud choice and palette.
        clearStorageTypes: ["file_systems", "shader_cache", "service_workers", "cache_storage", "local_storage", "indexeddb"],
      };
      if (preset === "desktop") {
        // Lighthouse scores legible font sizes on phones only ("not applicable" on a desktop);
        // skipping it spares gathering every text node's size, seconds on a long page.
        flags.skipAudits = ["font-size"];
      }
      const result = await lighthouse(url, flags, presets[preset]);
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
