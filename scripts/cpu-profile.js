// Profiles one `mirrorkit fetch` of an unshaped file from a real nginx (--cpu-prof) and prints where its CPU went: by source file and package, and the hottest functions.
//
// Usage: node scripts/cpu-profile.js [--size MiB] [--https] [--top N] [--profile FILE.cpuprofile] [-- fetch arguments...]
// Build first (npm run build): it runs bin/run.cjs with the shebang's flags, as an installed command runs.
// --profile summarises a profile made before instead of running a new one.
import {execFileSync} from 'node:child_process'
import {mkdtemp, readdir, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {stopAll} from '../bench/children.js'
import {contentFile} from '../bench/content-file.js'
import {startDaemon} from '../bench/daemons.js'
import {projectDirectory} from '../bench/paths.js'

const BUNDLE = path.join(projectDirectory, 'dist', 'bundle', 'mirrorkit.cjs')

const argv = process.argv.slice(2)
const separator = argv.indexOf('--')
const own = separator >= 0 ? argv.slice(0, separator) : argv
const fetchArguments = separator >= 0 ? argv.slice(separator + 1) : []
const option = (name, fallback) => {
  const index = own.indexOf(name)
  return index >= 0 ? own[index + 1] : fallback
}
const size = Number(option('--size', '1024'))
const top = Number(option('--top', '25'))
const given = option('--profile', undefined)

const profileFile = given ?? (await profileOneFetch())
summarise(JSON.parse(await readFile(profileFile, 'utf8')), await bundleSections())
if (!given) process.stdout.write(`\nprofile: ${profileFile} (open it in Chrome DevTools or speedscope for the call tree)\n`)

async function profileOneFetch() {
  const content = await contentFile(size)
  const protocol = own.includes('--https') ? 'https' : 'http'
  const mirror = await startDaemon({protocol, root: path.dirname(content.path), fileName: path.basename(content.path)})
  const directory = await mkdtemp(path.join(tmpdir(), 'mirrorkit-cpu-profile-'))
  try {
    const shebang = (await readFile(path.join(projectDirectory, 'bin', 'run.cjs'), 'utf8')).split('\n')[0]
    const nodeFlags = shebang.split(/\s+/).filter((word) => word.startsWith('--'))
    const output = path.join(directory, 'out.bin')
    const started = process.hrtime.bigint()
    execFileSync(
      process.execPath,
      [...nodeFlags, '--cpu-prof', '--cpu-prof-dir', directory, path.join(projectDirectory, 'bin', 'run.cjs'), 'fetch', mirror.url, '-o', output, ...(mirror.caFile ? ['--ca-certificate', mirror.caFile] : []), ...fetchArguments],
      {stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000},
    )
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    process.stdout.write(`fetched ${size} MiB over ${protocol} from nginx in ${seconds.toFixed(2)} s (wall, profiler on)\n`)
    const profile = (await readdir(directory)).find((name) => name.endsWith('.cpuprofile'))
    const kept = path.join(projectDirectory, 'bench', 'out', `fetch-${size}MiB-${protocol}.cpuprofile`)
    execFileSync('mv', [path.join(directory, profile), kept])
    return kept
  } finally {
    await mirror.stop()
    await stopAll()
    await rm(directory, {recursive: true, force: true})
  }
}

/** esbuild marks each module in the bundle with a `// path` comment line: [{line, source}] in order. */
async function bundleSections() {
  let text
  try {
    text = await readFile(BUNDLE, 'utf8')
  } catch {
    return []
  }
  const sections = []
  text.split('\n').forEach((line, index) => {
    const match = /^\/\/ ((?:dist|src|node_modules)\/\S+)$/.exec(line)
    if (match) sections.push({line: index, source: match[1]})
  })
  return sections
}

function sourceOf(frame, sections) {
  if (['(garbage collector)', '(program)', '(idle)', '(root)'].includes(frame.functionName)) return frame.functionName
  if (frame.url.startsWith('node:')) return `node:${frame.url.slice(5).split('/').slice(0, 2).join('/')}`
  if (!frame.url.includes('mirrorkit.cjs')) return frame.url ? path.basename(frame.url) : '(native)'
  let low = 0
  let high = sections.length - 1
  let found
  while (low <= high) {
    const middle = (low + high) >> 1
    if (sections[middle].line <= frame.lineNumber) {
      found = sections[middle]
      low = middle + 1
    } else high = middle - 1
  }
  return found?.source ?? 'bundle'
}

function packageOf(source) {
  if (source.startsWith('node_modules/')) {
    const parts = source.split('/')
    return parts[1].startsWith('@') ? `${parts[1]}/${parts[2]}` : parts[1]
  }
  if (source.startsWith('src/') || source.startsWith('dist/')) return `mirrorkit ${source.split('/').slice(1, 3).join('/')}`
  if (source.startsWith('node:internal/')) return source
  if (source.startsWith('node:')) return 'node: public modules'
  return source
}

function summarise(profile, sections) {
  const total = profile.samples.length
  const seconds = (profile.endTime - profile.startTime) / 1e6
  const perSample = seconds / Math.max(1, total)
  const bySource = new Map()
  const byPackage = new Map()
  const byFunction = new Map()
  const add = (map, key, value) => map.set(key, (map.get(key) ?? 0) + value)
  for (const node of profile.nodes) {
    if (!node.hitCount) continue
    const selfSeconds = node.hitCount * perSample
    const source = sourceOf(node.callFrame, sections)
    add(bySource, source, selfSeconds)
    add(byPackage, packageOf(source), selfSeconds)
    add(byFunction, `${node.callFrame.functionName || '(anonymous)'}  ${source}:${node.callFrame.lineNumber + 1}`, selfSeconds)
  }
  const print = (title, map, limit) => {
    process.stdout.write(`\n${title}\n`)
    for (const [key, value] of [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
      process.stdout.write(`  ${value.toFixed(3).padStart(7)} s  ${((100 * value) / seconds).toFixed(1).padStart(5)}%  ${key}\n`)
    }
  }
  process.stdout.write(`${seconds.toFixed(2)} s profiled (main thread; idle is time waiting for I/O), ${total} samples\n`)
  print('by package', byPackage, 15)
  print('by source file', bySource, top)
  print('hottest functions (self time)', byFunction, top)
}
