// Task registry. Domains register their tasks; `kdlab run` finds a task by
// name by reading `experiments/*/package.json`, where a domain declares
// `"kdlab": { "tasks": ["sr"] }` and its `main` registers them on import. So a
// new domain plugs in without a change to the runner.
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '@kdlab/data';
import type { AnyTask } from './task';
import type { Reproduction } from './reproduce';

const tasks = new Map<string, AnyTask>();

export function registerTask(task: AnyTask): void {
  const existing = tasks.get(task.name);
  if (existing && existing !== task) throw new Error(`task ${JSON.stringify(task.name)} is registered twice`);
  tasks.set(task.name, task);
}

export function registeredTasks(): string[] {
  return [...tasks.keys()].sort();
}

export interface DomainPackage {
  dir: string;
  main: string;
  tasks: string[];
  /** Names of the reproductions the package's main exports in `reproductions` (`kdlab reproduce <name>`). */
  reproductions: string[];
}

export function domainPackages(root: string = repoRoot()): DomainPackage[] {
  const base = path.join(root, 'experiments');
  if (!fs.existsSync(base)) return [];
  return fs
    .readdirSync(base)
    .map((d) => path.join(base, d, 'package.json'))
    .filter((f) => fs.existsSync(f))
    .map((f) => {
      const pkg = JSON.parse(fs.readFileSync(f, 'utf8')) as { main?: string; kdlab?: { tasks?: string[]; reproductions?: string[] } };
      return { dir: path.dirname(f), main: pkg.main ?? 'src/index.ts', tasks: pkg.kdlab?.tasks ?? [], reproductions: pkg.kdlab?.reproductions ?? [] };
    });
}

/** The task by name, importing the domain package that declares it if needed. */
export function getTask(name: string): AnyTask {
  if (!tasks.has(name)) {
    const pkg = domainPackages().find((p) => p.tasks.includes(name));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (pkg) require(path.join(pkg.dir, pkg.main));
  }
  const task = tasks.get(name);
  if (!task) {
    const known = [...new Set([...registeredTasks(), ...domainPackages().flatMap((p) => p.tasks)])].sort();
    throw new Error(`config.task: unknown task ${JSON.stringify(name)} (known: ${known.join(', ') || 'none'})`);
  }
  return task;
}

/** Every reproduction name the domain packages declare, sorted. */
export function reproductionNames(root: string = repoRoot()): string[] {
  return domainPackages(root)
    .flatMap((p) => p.reproductions)
    .sort();
}

/**
 * The reproduction by name: the domain package that declares it in its package.json
 * (`"kdlab": { "reproductions": [...] }`) exports it from its main as `reproductions[name]`.
 */
export function loadReproduction(name: string, root: string = repoRoot()): Reproduction {
  const pkg = domainPackages(root).find((p) => p.reproductions.includes(name));
  if (!pkg) throw new Error(`unknown reproduction ${JSON.stringify(name)}; known: ${reproductionNames(root).join(', ') || 'none'}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(pkg.dir, pkg.main)) as { reproductions?: Record<string, Reproduction> };
  const found = mod.reproductions?.[name];
  if (!found) throw new Error(`${path.join(pkg.dir, 'package.json')} declares reproduction ${JSON.stringify(name)} but its main does not export it in \`reproductions\``);
  return found;
}
