// Drives the built playground in headless Chromium: XOR, then a quick digits run.
// Usage: node playground.mjs URL SCREENSHOT.png    (prints one JSON line with what it saw)
import { chromium } from "playwright-core";

const [url, screenshot] = process.argv.slice(2);
const origin = new URL(url).origin;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const seen = { outside: [], requests: 0, console_errors: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
  page.on("request", (request) => {
    seen.requests += 1;
    const address = request.url();
    if (!address.startsWith(origin) && !address.startsWith("data:") && !address.startsWith("blob:")) {
      seen.outside.push(address);
    }
  });
  page.on("console", (message) => { if (message.type() === "error") seen.console_errors.push(message.text()); });
  await page.goto(url);
  await page.waitForFunction(() => !document.getElementById("run").disabled, null, { timeout: 120000 });
  seen.status = await page.textContent("#status");

  // Ten lines (XOR) is the first example in the menu.
  await page.click("#run");
  await page.waitForFunction(() => /done|error/.test(document.getElementById("status").textContent),
                             null, { timeout: 120000 });
  seen.xor = await page.textContent("#result");
  seen.xor_output = await page.textContent("#output");

  // The digits example, small enough to finish in seconds.
  await page.selectOption("#snippet", { index: 2 });
  await page.waitForFunction(() => document.getElementById("code").value.includes("load_digits16"));
  await page.fill("#samples", "300");
  await page.fill("#epochs", "2");
  await page.fill("#hidden", "16");
  await page.fill("#lr", "0.1");
  await page.click("#run");
  await page.waitForFunction(() => /done|error/.test(document.getElementById("status").textContent),
                             null, { timeout: 300000 });
  seen.digits = await page.textContent("#result");
  seen.digits_status = await page.textContent("#status");
  seen.digits_output = await page.textContent("#output");
  seen.live_svg = await page.$$eval("#live svg", (nodes) => nodes.length);
  seen.pictures_svg = await page.$$eval("#pictures svg", (nodes) => nodes.length);
  seen.live_text = await page.$$eval("#live svg text", (nodes) => nodes.map((n) => n.textContent).join(" "));
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
} catch (error) {
  seen.error = String(error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(seen));
