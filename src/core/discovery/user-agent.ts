// The User-Agent discovery sends, naming mirrorkit and its version so engine and mirror operators know who is asking.
import {USER_AGENT} from '../version.js'

export const DISCOVERY_USER_AGENT = `${USER_AGENT} (+mirror discovery)`
