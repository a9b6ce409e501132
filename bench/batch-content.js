// Generates (once) and caches the batch scenarios' files: 200 small files of 1 KiB to 1 MiB, and the mixed set (two big files besides them).
import {createHash} from 'node:crypto'
import {existsSync} from 'node:fs'
import {link, mkdir, readFile, rename, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {makeContent} from '../dist/mirrors/content.js'
import {contentFile} from './content-file.js'
import {outDirectory} from './paths.js'

export const SMALL_FILES = 200
const SMALL_MIN = 1024
const SMALL_MAX = 1024 * 1024

/** A seeded generator, so every run and every machine gets the same sizes. */
function sizes(count, seed) {
  let state = seed
  const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32)
  return Array.from({length: count}, () => Math.round(SMALL_MIN + next() * (SMALL_MAX - SMALL_MIN)))
}

/** 40 files of 1 to 16 MiB (log-uniform): where the size that is worth segmenting lies, for --whole-below. */
async function mediumFiles(root) {
  let state = 7
  const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32)
  const files = []
  for (let index = 0; index < 40; index++) {
    const size = Math.round(2 ** (20 + 4 * next()))
    const name = `medium-${String(index).padStart(2, '0')}.bin`
    const data = makeContent(size, 5000 + index)
    await writeFile(path.join(root, name), data)
    files.push({name, size, sha256: createHash('sha256').update(data).digest('hex')})
  }
  return files
}

/**
 * The document root of a batch and its files ([{name, size, sha256}]): `bigMebibytes` > 0 adds two
 * files of that size (the mixed set), hard links to the cached content file; `medium` is the set
 * that measures --whole-below instead.
 */
export async function batchContent({bigMebibytes = 0, medium = false} = {}) {
  const root = path.join(outDirectory, 'batch', medium ? 'medium' : bigMebibytes ? `mixed-${bigMebibytes}MiB` : 'small')
  const manifest = path.join(root, 'manifest.json')
  if (existsSync(manifest)) return {root, files: JSON.parse(await readFile(manifest, 'utf8'))}
  await mkdir(root, {recursive: true})
  const files = medium ? await mediumFiles(root) : []
  for (const [index, size] of (medium ? [] : sizes(SMALL_FILES, 19)).entries()) {
    const name = `pkg-${String(index).padStart(3, '0')}.bin`
    const data = makeContent(size, 1000 + index)
    await writeFile(path.join(root, name), data)
    files.push({name, size, sha256: createHash('sha256').update(data).digest('hex')})
  }
  if (bigMebibytes) {
    const big = await contentFile(bigMebibytes)
    for (const name of ['big-1.iso', 'big-2.iso']) {
      const target = path.join(root, name)
      if (!existsSync(target)) await link(big.path, target)
      files.unshift({name, size: big.size, sha256: big.sha256})
    }
  }
  await writeFile(`${manifest}.${process.pid}.tmp`, JSON.stringify(files))
  await rename(`${manifest}.${process.pid}.tmp`, manifest)
  return {root, files}
}

/** The aria2c input file both clients read: each file's four mirror URLs on one line, tab-separated, and its SHA-256. */
export function inputList(files, bases) {
  return files.map((file) => `${bases.map((base) => base + encodeURIComponent(file.name)).join('\t')}\n  checksum=sha-256=${file.sha256}\n`).join('')
}
