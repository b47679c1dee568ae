/**
 * `npm run bench render`: time from the widget's script starting to load to its first painted
 * form, in headless Chromium, against a bare Lit element rendering one input on the same kind of
 * page, from the same server, in the same run. Each load gets a fresh browser context (nothing
 * cached), and the two pages alternate so that drift on a shared machine touches both alike.
 *
 * The widget's figure includes what it needs before it can show a form: `GET /api/config` and
 * `GET /api/session` from the reference server on loopback.
 */
import { loadavg } from 'node:os';

import type { Browser } from 'playwright-core';

import { launchBenchChromium, startBenchServer, type BenchPage } from './pages/page-server.js';
import type { RenderTimes } from './pages/probe.js';
import { quantile, recordSection, type Figure } from './results.js';

const WARM_UP_LOADS = 3;
const MEASURED_LOADS = Number(process.env.BENCH_RENDER_LOADS ?? 30);

interface Load {
  /** Script download start to the end of the frame that painted the form. */
  toPaint: number;
  /** Script download start to the form standing in the shadow DOM. */
  toDom: number;
  /** The script's own download. */
  download: number;
}

async function loadOnce(browser: Browser, url: string): Promise<Load> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url);
    const times: RenderTimes = await page.evaluate(() => window.benchProbe.render);
    return {
      toPaint: times.formPainted - times.scriptStart,
      toDom: times.formInDom - times.scriptStart,
      download: times.scriptEnd - times.scriptStart,
    };
  } finally {
    await context.close();
  }
}

function summary(loads: readonly Load[], key: keyof Load): { median: number; p90: number } {
  const samples = loads.map((load) => load[key]);
  return { median: quantile(samples, 0.5), p90: quantile(samples, 0.9) };
}

async function main(): Promise<void> {
  // Other work on the machine moves every figure here; the ratios much less. Kept with the figures.
  const loadAverageAtStart = loadavg().map((load) => Number(load.toFixed(2)));
  const server = await startBenchServer();
  const browser = await launchBenchChromium();
  const pages: Record<'widget' | 'bare', BenchPage> = { widget: 'widget.html', bare: 'bare-lit.html' };
  const loads: Record<'widget' | 'bare', Load[]> = { widget: [], bare: [] };
  try {
    for (let round = 0; round < WARM_UP_LOADS + MEASURED_LOADS; round += 1) {
      // Alternate which page goes first, so neither always follows the other.
      const order = round % 2 === 0 ? (['widget', 'bare'] as const) : (['bare', 'widget'] as const);
      for (const which of order) {
        const load = await loadOnce(browser, `${server.url}/bench/${pages[which]}`);
        if (round >= WARM_UP_LOADS) loads[which].push(load);
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }

  const widgetPaint = summary(loads.widget, 'toPaint');
  const barePaint = summary(loads.bare, 'toPaint');
  const widgetDom = summary(loads.widget, 'toDom');
  const bareDom = summary(loads.bare, 'toDom');
  const figures: Figure[] = [
    {
      name: 'script load to first painted form, median',
      value: widgetPaint.median,
      unit: 'ms',
      baseline: { name: 'bare Lit element, median', value: barePaint.median, unit: 'ms' },
      ratio: widgetPaint.median / barePaint.median,
      ratioMeaning: 'times the bare Lit element',
    },
    {
      name: 'script load to first painted form, p90',
      value: widgetPaint.p90,
      unit: 'ms',
      baseline: { name: 'bare Lit element, p90', value: barePaint.p90, unit: 'ms' },
      ratio: widgetPaint.p90 / barePaint.p90,
      ratioMeaning: 'times the bare Lit element',
    },
    {
      name: 'script load to form in the DOM, median',
      value: widgetDom.median,
      unit: 'ms',
      baseline: { name: 'bare Lit element, median', value: bareDom.median, unit: 'ms' },
      ratio: widgetDom.median / bareDom.median,
      ratioMeaning: 'times the bare Lit element',
    },
    {
      name: 'script download, median',
      value: summary(loads.widget, 'download').median,
      unit: 'ms',
      baseline: { name: 'bare Lit element, median', value: summary(loads.bare, 'download').median, unit: 'ms' },
      ratio: summary(loads.widget, 'download').median / summary(loads.bare, 'download').median,
      ratioMeaning: 'times the bare Lit element',
    },
  ];
  recordSection('render', figures, {
    loadAverageAtStart,
    loads: MEASURED_LOADS,
    warmUpLoads: WARM_UP_LOADS,
    browser: 'headless Chromium (playwright-core, --headless=new --disable-gpu), a fresh context per load',
    widgetPage: 'bench/pages/widget.html: the login view, configuration and session fetched from the reference server on loopback',
    baselinePage: 'bench/pages/bare-lit.html: one Lit element rendering one labelled input',
  });
}

await main();
