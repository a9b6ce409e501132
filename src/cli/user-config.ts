// Finds and loads the user's config file for a command: --config / MIRRORKIT_CONFIG, else config.json in oclif's config directory (XDG_CONFIG_HOME aware).
import {join} from 'node:path'
import {CONFIG_FILE_NAME, loadConfig, type Config} from '../core/config.js'

/** The config file a command uses: the one named by the flag, else the default path. */
export function configPath(configDir: string, flag?: string): string {
  // An empty MIRRORKIT_CONFIG means "unset", as shells make it easy to export one by accident.
  return flag || join(configDir, CONFIG_FILE_NAME)
}

/** The user's config; a missing default file is an empty config, a missing file the user named is an error. */
export async function loadUserConfig(configDir: string, flag?: string): Promise<Config> {
  return loadConfig(configPath(configDir, flag), !flag)
}
