import nodeFs from 'node:fs';
import path from 'node:path';

/**
 * The file system isomorphic-git reads a repository through, with the probes it repeats for every
 * object answered from memory: the git dir's stat (each API call checks for a `.git` file), the
 * list of packs (read on every packed-object lookup) and the loose-object folders (every lookup
 * first tries a loose file; a miss costs a failed open and an ENOENT error with a stack). Listings
 * are taken lazily and forgotten by `forget()`, which each sync pass calls once it knows its commit:
 * git writes objects before it moves a ref, so every object of that commit is on disk by then.
 * Measured on 4,000 packed blobs: about half of isomorphic-git's read time was these probes.
 */
export function createObjectFs(gitdir: string, fs: typeof nodeFs = nodeFs) {
  const real = fs.promises;
  const objects = path.join(gitdir, 'objects');
  const packDir = path.join(objects, 'pack');
  let gitdirStat: Promise<nodeFs.Stats> | undefined;
  let packs: Promise<string[]> | undefined;
  const loose = new Map<string, Promise<Set<string>>>();

  /** For `objects/ab/cdef…`: whether the loose file exists per the listing; undefined for other paths. */
  const looseKnown = async (file: string): Promise<boolean | undefined> => {
    if (!file.startsWith(objects)) return undefined;
    const rel = file.slice(objects.length + 1);
    if (!/^[0-9a-f]{2}\/[0-9a-f]{38}$/.test(rel)) return undefined;
    const dir = rel.slice(0, 2);
    let listing = loose.get(dir);
    if (!listing) {
      listing = real.readdir(path.join(objects, dir)).then((names) => new Set(names), () => new Set<string>());
      loose.set(dir, listing);
    }
    return (await listing).has(rel.slice(3));
  };
  // isomorphic-git only looks at `code`; one shared error spares a stack capture per missing object.
  const missing = Object.assign(new Error('ENOENT: no such loose object'), { code: 'ENOENT' });

  const promises = {
    ...real,
    async readFile(file: string, options?: unknown) {
      // isomorphic-git calls readFile() with no argument, per API call, to see that it returns a promise.
      if (typeof file !== 'string') throw missing;
      if ((await looseKnown(file)) === false) throw missing;
      return real.readFile(file, options as never);
    },
    async stat(file: string) {
      if (file === gitdir) return (gitdirStat ??= real.stat(file));
      if ((await looseKnown(file)) === false) throw missing;
      return real.stat(file);
    },
    async readdir(dir: string, options?: unknown) {
      if (dir === packDir && options === undefined) return [...await (packs ??= real.readdir(dir).catch(() => []))];
      return real.readdir(dir, options as never);
    },
  };
  return {
    fs: { promises } as unknown as typeof nodeFs,
    /** Drops every listing: the next lookups see the disk as it is now. */
    forget(): void {
      gitdirStat = undefined;
      packs = undefined;
      loose.clear();
    },
    /** The pack index files as last listed (listing them now if needed). */
    async packIndexes(): Promise<string[]> {
      return (await promises.readdir(packDir)).filter((f) => f.endsWith('.idx'));
    },
  };
}
