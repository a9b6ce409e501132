// Writes oclif.manifest.json (every command's flags and help), so oclif does not rebuild it from the command classes at every start.
import {writeFileSync, renameSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {Plugin} from '@oclif/core'

const root = process.argv[2] ? path.resolve(process.argv[2]) : fileURLToPath(new URL('..', import.meta.url))
const plugin = new Plugin({root, type: 'core', isRoot: true, ignoreManifest: true, respectNoCacheDefault: true, errorOnManifestCreate: true})
await plugin.load()
const count = Object.keys(plugin.manifest.commands).length
if (count === 0) {
  process.stderr.write('manifest: no commands found under dist/commands (build first)\n')
  process.exit(1)
}
// Written whole or not at all: a half-written manifest would break every command.
const target = path.join(root, 'oclif.manifest.json')
writeFileSync(`${target}.tmp`, JSON.stringify(plugin.manifest, null, 2) + '\n')
renameSync(`${target}.tmp`, target)
process.stdout.write(`manifest: ${count} commands -> ${path.relative(process.cwd(), target) || target}\n`)
