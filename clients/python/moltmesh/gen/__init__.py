# Code generated from proto/moltmesh/v1 by scripts/gen.ts (grpcio-tools). DO NOT EDIT.
"""Generated gRPC stubs of the moltmesh API (moltmesh.v1)."""
