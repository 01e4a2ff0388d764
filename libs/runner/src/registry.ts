// Task registry. Domains register their tasks; `kdlab run` finds a task by
// name by reading `experiments/*/package.json`, where a domain declares
// `"kdlab": { "tasks": ["sr"] }` and its `main` registers them on import. So a
// new domain plugs in without a change to the runner.
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '@kdlab/data';
import type { AnyTask } from './task';

const tasks = new Map<string, AnyTask>();

export function registerTask(task: AnyTask): void {
  const existing = tasks.get(task.name);
  if (existing && existing !== task) throw new Error(`task ${JSON.stringify(task.name)} is registered twice`);
  tasks.set(task.name, task);
}

export function registeredTasks(): string[] {
  return [...tasks.keys()].sort();
}

interface DomainPackage {
  dir: string;
  main: string;
  tasks: string[];
}

export function domainPackages(root: string = repoRoot()): DomainPackage[] {
  const base = path.join(root, 'experiments');
  if (!fs.existsSync(base)) return [];
  return fs
    .readdirSync(base)
    .map((d) => path.join(base, d, 'package.json'))
    .filter((f) => fs.existsSync(f))
    .map((f) => {
      const pkg = JSON.parse(fs.readFileSync(f, 'utf8')) as { main?: string; kdlab?: { tasks?: string[] } };
      return { dir: path.dirname(f), main: pkg.main ?? 'src/index.ts', tasks: pkg.kdlab?.tasks ?? [] };
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
