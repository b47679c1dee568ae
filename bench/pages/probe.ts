/**
 * Measures, inside the page, what the rendering and typing benchmarks report. Loaded as the
 * page's first module script, so it runs before the element under test is defined; it works the
 * same on the widget's page and on the bare Lit baseline, and leaves its findings on
 * `window.benchProbe` for the benchmark to read.
 *
 * - Render: from the moment the element's script starts downloading (its resource timing entry)
 *   to the end of the first frame that shows the element's form.
 * - Typing: from each key press (the event's own timestamp, taken when the browser received the
 *   input, so time spent waiting behind other work counts) to the end of the next frame; and to
 *   the moment the key was handled (its input event dispatched, the element re-rendered), which
 *   leaves out the wait for the display's next refresh (up to 16.7 ms at 60 Hz, whenever the key
 *   happens to fall) that every page pays, however little it does.
 */

export interface RenderTimes {
  /** When the element's script started downloading, ms since navigation. */
  scriptStart: number;
  /** When its download ended. */
  scriptEnd: number;
  /** When the form first stood in the element's shadow DOM. */
  formInDom: number;
  /** When the frame that painted it ended. */
  formPainted: number;
}

export interface TypingTimes {
  /** Key press to the end of the next frame, one per keydown, ms. */
  keyToPaint: number[];
  /** Key press to the end of its input event's dispatch, the element's re-render included, ms. */
  keyToHandled: number[];
  /** Event Timing entries for key presses that took longer than a frame (the browser's own count). */
  slowEvents: { name: string; duration: number }[];
  /** Long tasks (main-thread work over 50 ms) that ended after the first key press, ms. */
  longTasks: number[];
}

export interface BenchProbe {
  render: Promise<RenderTimes>;
  typing: TypingTimes;
}

declare global {
  interface Window {
    benchProbe: BenchProbe;
  }
}

/** Resolves after the next frame has been produced: a task queued from requestAnimationFrame runs after that frame's paint. */
function afterNextPaint(): Promise<number> {
  return new Promise((resolve) => {
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve(performance.now());
      channel.port2.postMessage(undefined);
    });
  });
}

const { elementTag, elementScript } = document.documentElement.dataset;
if (!elementTag || !elementScript) throw new Error('the page must say data-element-tag and data-element-script on <html>');

/** Waits for `selector` to appear in the element's shadow root; resolves with the time it did. */
async function appearance(selector: string): Promise<number> {
  await customElements.whenDefined(elementTag!);
  const element = document.querySelector(elementTag!);
  const root = element?.shadowRoot;
  if (!root) throw new Error(`<${elementTag}> has no shadow root`);
  if (root.querySelector(selector)) return performance.now();
  return new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (!root.querySelector(selector)) return;
      observer.disconnect();
      resolve(performance.now());
    });
    observer.observe(root, { childList: true, subtree: true });
  });
}

async function measureRender(): Promise<RenderTimes> {
  const formInDom = await appearance('form input');
  const formPainted = await afterNextPaint();
  const scriptUrl = new URL(elementScript!, location.href).href;
  const script = performance.getEntriesByName(scriptUrl, 'resource').find((entry) => entry instanceof PerformanceResourceTiming);
  if (!script) throw new Error(`no resource timing for ${scriptUrl}`);
  return { scriptStart: script.startTime, scriptEnd: script.responseEnd, formInDom, formPainted };
}

const typing: TypingTimes = { keyToPaint: [], keyToHandled: [], slowEvents: [], longTasks: [] };
let lastKeyPressedAt: number | undefined;
/** The first key press: long tasks that end before it (the page loading, the first render) are not typing's. */
let typingStartedAt = Infinity;

// Capture phase on window: the first listener to see a key press, whichever element it targets.
window.addEventListener(
  'keydown',
  (event) => {
    const pressedAt = event.timeStamp;
    lastKeyPressedAt = pressedAt;
    typingStartedAt = Math.min(typingStartedAt, pressedAt);
    void afterNextPaint().then((paintedAt) => typing.keyToPaint.push(paintedAt - pressedAt));
  },
  { capture: true },
);

// Bubble phase on window: the last listener. The element's own listener has run, and so has the
// re-render it asked for (Lit renders in a microtask, and microtasks run as each listener returns).
window.addEventListener('input', () => {
  if (lastKeyPressedAt === undefined) return;
  typing.keyToHandled.push(performance.now() - lastKeyPressedAt);
  lastKeyPressedAt = undefined;
});

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.name === 'keydown' || entry.name === 'keypress' || entry.name === 'keyup' || entry.name === 'input') {
      typing.slowEvents.push({ name: entry.name, duration: entry.duration });
    }
  }
  // 16 ms is the lowest threshold the Event Timing API accepts: exactly the one-frame budget.
}).observe({ type: 'event', durationThreshold: 16 } as PerformanceObserverInit);

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.startTime + entry.duration > typingStartedAt) typing.longTasks.push(entry.duration);
  }
}).observe({ type: 'longtask' });

window.benchProbe = { render: measureRender(), typing };
