// Reads the user's config file (JSON): search-engine definitions, engine base URLs, and defaults for the stages' flags.
import {readFile} from 'node:fs/promises'
import {validateEngineList, type EngineDefinition} from './discovery/engine-definition.js'
import {readConfigDefaults, type ConfigDefaults} from './config-keys.js'
import {UsageError} from './errors.js'

export type Config = ConfigDefaults & {
  /** Engine definitions; one named like a built-in replaces it. */
  engines: EngineDefinition[]
  /** Base URL per engine name, e.g. {"searxng": "https://searx.example.org"}. */
  engineBases: Record<string, string>
}

export const CONFIG_FILE_NAME = 'config.json'

async function readJson(path: string, missingOk: boolean, signal?: AbortSignal): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, {encoding: 'utf8', ...(signal ? {signal} : {})})
  } catch (error) {
    signal?.throwIfAborted()
    if (missingOk && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'ECONFIG', error)
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: ${(error as Error).message}`, 'ECONFIG', error)
  }
}

/** The config at `path`; a missing file (when `missingOk`) is an empty config, a broken one a usage error. */
export async function loadConfig(path: string, missingOk = true, signal?: AbortSignal): Promise<Config> {
  const value = (await readJson(path, missingOk, signal)) as Record<string, unknown> | undefined
  if (value === undefined) return {engines: [], engineBases: {}}
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${path}: expected a JSON object`, 'ECONFIG')
  const engines = value.engines === undefined ? [] : validateEngineList(value.engines, path)
  const bases = value.engineBases ?? {}
  if (typeof bases !== 'object' || bases === null || Object.values(bases).some((base) => typeof base !== 'string' || !/^https?:\/\//i.test(base))) {
    throw new UsageError(`${path}: "engineBases" must map engine names to http(s) URLs`, 'ECONFIG')
  }
  return {...readConfigDefaults(value, path), engines, engineBases: bases as Record<string, string>}
}

/** Engine definitions from an --engine-file: an array, or {"engines": [...]}. */
export async function loadEngineFile(path: string, signal?: AbortSignal): Promise<EngineDefinition[]> {
  return validateEngineList(await readJson(path, false, signal), path)
}
