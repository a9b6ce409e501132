// `mirrorkit config`: where the config file is, what it sets, and every key it may hold.
import {existsSync} from 'node:fs'
import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {configPath, loadUserConfig} from '../cli/user-config.js'
import type {Config} from '../core/config.js'
import {CONFIG_KEYS} from '../core/config-keys.js'

export type ConfigResult = {
  path: string
  exists: boolean
  config: Config
  keys: Array<{key: string; type: string; value?: unknown; fallback: string; description: string}>
}

export default class ConfigCommand extends BaseCommand {
  static override description =
    'Show the config file\'s path, the values it sets, and every key it may hold.\n' +
    'The file is JSON (no comments): config.json in the config directory ($XDG_CONFIG_HOME/mirrorkit, usually ~/.config/mirrorkit), ' +
    'or the file named by --config / MIRRORKIT_CONFIG. `get` reads every key listed; a stage command reads the keys its --help marks ' +
    '[config: key]. Flags and MIRRORKIT_* variables override the file. It may also hold "engines" (search-engine definitions) ' +
    'and "engineBases" ({"searxng": "https://searx.example"}).'

  static override examples = [
    '<%= config.bin %> config',
    '<%= config.bin %> config --path',
    'mkdir -p "$(dirname "$(<%= config.bin %> config --path)")" && echo \'{"connections": 8, "lists": ["/etc/mirrorkit/mirrors.txt"]}\' > "$(<%= config.bin %> config --path)"',
    '<%= config.bin %> config --json | jq .config',
  ]

  static override flags = {
    config: Flags.string({description: 'Config file to show (default: config.json in the mirrorkit config directory).', env: 'MIRRORKIT_CONFIG'}),
    path: Flags.boolean({description: 'Print only the path, for scripts and editors.', default: false}),
  }

  async run(): Promise<ConfigResult | string> {
    const {flags} = await this.parse(ConfigCommand)
    const path = configPath(this.config.configDir, flags.config)
    if (flags.path && !this.jsonEnabled()) {
      process.stdout.write(path + '\n')
      return path
    }
    const exists = existsSync(path)
    const config = await loadUserConfig(this.config.configDir, exists ? flags.config : undefined)
    const keys = CONFIG_KEYS.map(({key, type, fallback, description}) => ({key, type, ...(config[key] === undefined ? {} : {value: config[key]}), fallback, description}))
    const result: ConfigResult = {path, exists, config, keys}
    return this.present(result, () => render(result))
  }
}

function render(result: ConfigResult): string {
  const width = Math.max(...result.keys.map((key) => key.key.length))
  const lines = [`${result.path}${result.exists ? '' : ' (absent: built-in defaults apply)'}`, '']
  for (const key of result.keys) {
    const value = key.value === undefined ? `(default: ${key.fallback})` : JSON.stringify(key.value)
    lines.push(`  ${key.key.padEnd(width)}  ${value}`, `  ${''.padEnd(width)}  ${key.description}`)
  }
  lines.push(`  ${'engines'.padEnd(width)}  ${result.config.engines.length} user definition(s)`)
  lines.push(`  ${'engineBases'.padEnd(width)}  ${JSON.stringify(result.config.engineBases)}`)
  return lines.join('\n')
}
