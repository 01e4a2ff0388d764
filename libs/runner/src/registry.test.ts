// Reproductions are found through the domain packages' package.json, so a new domain needs no CLI edit.
import { domainPackages, loadReproduction, reproductionNames } from './registry';

describe('reproduction discovery', () => {
  it('lists what the domain packages declare, and loads each one by name', () => {
    const names = reproductionNames();
    expect(names).toEqual(expect.arrayContaining(['sisr-quick', 'cls-quick']));
    expect(new Set(names).size).toBe(names.length);
    for (const name of ['sisr-quick', 'cls-quick']) expect(loadReproduction(name).name).toBe(name);
    expect(domainPackages().find((p) => p.reproductions.includes('sisr-quick'))?.tasks).toContain('sr');
  });

  it('an unknown name is an error that lists the known ones', () => {
    expect(() => loadReproduction('nope')).toThrow(/unknown reproduction "nope"; known: .*sisr-quick/);
  });
});
