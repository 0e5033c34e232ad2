// Drives JupyterLab in headless Chromium through a golab session, as a
// learner would: open a lesson, run all cells, watch output stream in,
// interrupt a looping cell, restart the kernel, complete and inspect a
// name. Each step asserts what the page shows and saves a screenshot.
//
// usage: node drive.mjs BASE_URL TOKEN NOTEBOOK ARTIFACT_DIR
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const [base, token, notebook, artifacts] = process.argv.slice(2);
if (!artifacts) {
  console.error('usage: node drive.mjs BASE_URL TOKEN NOTEBOOK ARTIFACT_DIR');
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
page.setDefaultTimeout(60_000);

let failed = false;
async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    await page.screenshot({ path: `${artifacts}/${name}.png` });
    console.log(`ok ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    failed = true;
    await page.screenshot({ path: `${artifacts}/FAILED-${name}.png` }).catch(() => {});
    console.log(`FAILED ${name}: ${err.message.split('\n')[0]}`);
    throw err;
  }
}

// The kernel status shown in the notebook's toolbar ("Idle", "Busy", …).
const idle = () => page.waitForSelector('.jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator[data-status="idle"]', { timeout: 60_000 });
const lastCell = () => page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell').last();

// Adds a code cell at the end of the notebook, types code into it, runs it.
async function runNewCell(code) {
  await lastCell().click();
  await page.keyboard.press('Escape');
  await page.keyboard.press('b');
  await page.keyboard.press('Enter');
  await page.keyboard.type(code);
  await page.keyboard.press('Shift+Enter');
}

async function toolbarButton(command) {
  await page.locator(`.jp-NotebookPanel-toolbar [data-command="${command}"]`).first().click();
}

try {
  if (process.env.DRIVE_INDEX) {
    // The lessons' index, as a Binder link opens it: the list of lessons.
    await step('00-open-index', async () => {
      await page.goto(`${base}/lab/tree/${process.env.DRIVE_INDEX}?token=${token}`);
      await page.waitForSelector('.jp-RenderedMarkdown:has-text("Parallelism in Go: the lessons")');
      const lessons = await page.locator('.jp-RenderedMarkdown li a').count();
      if (lessons < 8) throw new Error(`the index links ${lessons} lessons, want 8`);
    });
  }

  await step('01-open-lesson', async () => {
    // After the index, a fresh workspace ("reset"): the lesson is then the
    // only notebook open, and the one the commands below act on.
    const reset = process.env.DRIVE_INDEX ? 'reset&' : '';
    await page.goto(`${base}/lab/tree/${notebook}?${reset}token=${token}`);
    await page.waitForSelector('.jp-Notebook .jp-Cell');
    await page.waitForSelector('.jp-NotebookPanel-toolbar .jp-KernelName:has-text("Go (golab)")');
    await idle();
  });

  await step('02-run-all-cells', async () => {
    await page.evaluate(() => window.jupyterapp.commands.execute('notebook:run-all-cells'));
    // The pipeline's printed lines and its timeline, drawn as SVG.
    // (Cells scrolled out of view are in the page but not visible.)
    await page.waitForSelector('.jp-OutputArea-output:has-text("pipeline time: 600ms")', { timeout: 120_000, state: 'attached' });
    // JupyterLab draws SVG output of a notebook it has not trusted as an <img>.
    await page.waitForSelector('.jp-RenderedSVG img[src^="data:image/svg+xml"], .jp-RenderedSVG svg', { timeout: 120_000, state: 'attached' });
    await idle();
    const boxes = await page.locator('.jp-OutputArea-output:has-text("FAIL evensquares")').count();
    if (boxes < 1) throw new Error('the %check box of the first exercise is not shown');
    // The screenshot shows the timeline.
    await page.locator('.jp-Cell:has(.jp-RenderedSVG)').first().scrollIntoViewIfNeeded();
  });

  await step('03-streamed-output-and-interrupt', async () => {
    await runNewCell('for i := 0; ; i++ { fmt.Println("tick", i); time.Sleep(150 * time.Millisecond) }');
    // Output appears while the cell still runs: it streams.
    await page.waitForSelector('.jp-OutputArea-output:has-text("tick 3")');
    const busy = await page.locator('.jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator[data-status="busy"]').count();
    if (busy !== 1) throw new Error('the kernel is not busy while the loop runs');
    await toolbarButton('notebook:interrupt-kernel');
    await page.waitForSelector('.jp-OutputArea-output:has-text("interrupted")', { timeout: 10_000 });
    await idle();
    // (Shift+Enter on the last cell added an empty one below: find the loop's cell by its output.)
    const loopCell = page.locator('.jp-Cell:has(.jp-OutputArea-output:has-text("tick 3"))');
    const ticks = async () => (await loopCell.locator('.jp-OutputArea-output').allInnerTexts()).join('').split('tick').length - 1;
    const before = await ticks();
    if (before < 4) throw new Error(`only ${before} ticks were shown`);
    await page.waitForTimeout(600);
    if ((await ticks()) !== before) throw new Error('the loop still prints after the interrupt');
  });

  await step('04-restart', async () => {
    await runNewCell('keptValue := "before restart"');
    await idle();
    await toolbarButton('notebook:restart-kernel');
    await page.locator('.jp-Dialog .jp-Dialog-button.jp-mod-accept').click();
    await idle();
    // A fresh kernel: counting starts again, and the old variable is gone.
    await runNewCell('keptValue');
    const cell = page.locator('.jp-Cell:has(.jp-OutputArea-output:has-text("undefined: keptValue"))');
    await cell.waitFor();
    await idle();
    const prompt = await cell.locator('.jp-InputPrompt').innerText();
    if (!prompt.includes('[1]')) throw new Error(`the first cell after a restart shows prompt ${prompt}`);
  });

  await step('05-completion', async () => {
    await runNewCell('import "golab/race"');
    await idle();
    await lastCell().click();
    await page.keyboard.press('Escape');
    await page.keyboard.press('b');
    await page.keyboard.press('Enter');
    await page.keyboard.type('race.NewMo');
    await page.keyboard.press('Tab');
    const item = page.locator('.jp-Completer .jp-Completer-item:has-text("NewModel")');
    await item.first().waitFor();
    await page.keyboard.press('Escape');
  });

  await step('06-inspect', async () => {
    await page.keyboard.press('End');
    await page.keyboard.type('del(');
    await page.keyboard.press('Shift+Tab');
    await page.waitForSelector('.jp-Tooltip:has-text("returns an empty model")');
  });
} catch {
  // reported by step
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
