// Every message, enum and service definition of moltmesh.v1 in one namespace (`v1.HealthResponse`).
// The generated modules share no names, so they can be flattened.
export * from './gen/moltmesh/v1/a2a.ts'
export * from './gen/moltmesh/v1/diag.ts'
export * from './gen/moltmesh/v1/ext.ts'
export * from './gen/moltmesh/v1/types.ts'
