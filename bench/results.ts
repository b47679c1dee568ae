/**
 * What every benchmark reports: one figure per line on stdout, and the same figures in
 * `bench/results.json`, one section per benchmark, merged so that running one benchmark keeps the
 * others' figures. A figure measured against a baseline from the same run carries the ratio,
 * which is what BENCHMARKS.md quotes: absolute times depend on the machine, ratios much less.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

export const RESULTS_PATH = fileURLToPath(new URL('./results.json', import.meta.url));

export interface Figure {
  /** What was measured, e.g. "login throughput, concurrency 8". */
  name: string;
  value: number;
  unit: string;
  /** The baseline measured in the same run, when the figure is compared with one. */
  baseline?: { name: string; value: number; unit: string };
  /** value / baseline.value, or the inverse where smaller is better: see `ratioMeaning`. */
  ratio?: number;
  /** How to read the ratio, e.g. "share of the argon2id bound". */
  ratioMeaning?: string;
  /** The target, in words, e.g. "≥ 0.9"; absent when there is none. */
  target?: string;
  /** Whether the target is met; benchmarks print it and never fail on time. */
  met?: boolean;
}

export interface Section {
  measuredAt: string;
  figures: Figure[];
  /** Anything else worth keeping with the figures (parameters, counts). */
  notes?: Record<string, unknown>;
}

interface Results {
  machine: { platform: string; arch: string; cpu: string; cores: number; memoryGiB: number; node: string };
  sections: Record<string, Section>;
}

function machine(): Results['machine'] {
  const processors = cpus();
  return {
    platform: platform(),
    arch: arch(),
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

function readResults(): Results {
  if (!existsSync(RESULTS_PATH)) return { machine: machine(), sections: {} };
  const parsed = JSON.parse(readFileSync(RESULTS_PATH, 'utf8')) as Partial<Results>;
  return { machine: machine(), sections: parsed.sections ?? {} };
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(2) : value.toPrecision(3);
}

/** One line: name, value, and the ratio to the baseline with the target when there is one. */
export function formatFigure(figure: Figure): string {
  let line = `${figure.name}: ${formatNumber(figure.value)} ${figure.unit}`;
  if (figure.baseline) {
    line += ` (baseline ${figure.baseline.name}: ${formatNumber(figure.baseline.value)} ${figure.baseline.unit})`;
  }
  // Against a target, a third decimal: 0.8977 printed as 0.90 beside "NOT met" reads as a mistake.
  const ratioDigits = figure.target === undefined ? 2 : 3;
  if (figure.ratio !== undefined) line += `, ratio ${figure.ratio.toFixed(ratioDigits)}${figure.ratioMeaning ? ` (${figure.ratioMeaning})` : ''}`;
  if (figure.target !== undefined) line += `, target ${figure.target}: ${figure.met ? 'met' : 'NOT met'}`;
  return line;
}

/** Prints the figures and stores them as `section` of bench/results.json. */
export function recordSection(section: string, figures: Figure[], notes?: Record<string, unknown>): void {
  process.stdout.write(`\n## ${section}\n${figures.map((figure) => formatFigure(figure)).join('\n')}\n`);
  const results = readResults();
  results.sections[section] = { measuredAt: new Date().toISOString(), figures, ...(notes ? { notes } : {}) };
  writeFileSync(RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);
}

/** The value at quantile `q` (0 to 1) of `samples`, nearest rank. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}
