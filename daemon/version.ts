// Package version, read once from package.json so the daemon, CLI and Health agree.
import pkg from '../package.json' with { type: 'json' }

export const VERSION: string = pkg.version
export const API_VERSION = 'moltmesh.v1'
export const AGENT_NAME = 'moltmesh'
