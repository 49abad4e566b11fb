// What a tool is to the MCP server: a definition (name, description, JSON Schema of its arguments,
// hints) and a handler that returns a JSON object or throws.

export type JsonSchema = Record<string, unknown>

/** MCP tool annotations: hints for clients, never trusted for security. */
export interface ToolAnnotations {
  title?: string
  readOnlyHint?: boolean
  destructiveHint?: boolean
  idempotentHint?: boolean
  openWorldHint?: boolean
}

export interface ToolDefinition {
  name: string
  title: string
  /** Written for a model: what the tool does, when to use it, what it returns. */
  description: string
  inputSchema: JsonSchema
  annotations: ToolAnnotations
}

export interface ToolContext {
  /** Aborted when the client cancels the call or the server shuts down. */
  signal: AbortSignal
  /** Reports progress to the client (a no-op unless the call carried a progress token). */
  progress(message: string): void
  /** True when the client asked for progress (so it is worth watching for it). */
  reportsProgress: boolean
}

/** Returns the tool's result as a JSON object, or throws (a tool error the model sees). */
export type ToolHandler = (
  args: Record<string, unknown>,
  ctx: ToolContext,
) => Promise<Record<string, unknown>>

export interface Tool extends ToolDefinition {
  run: ToolHandler
}

/** Arguments that pass the schema but not the tool's own checks (e.g. neither `to` nor `capability`). */
export class ToolArgumentError extends Error {}
