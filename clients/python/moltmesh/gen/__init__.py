# Code generated from proto/moltmesh/v1 by scripts/gen.ts (grpcio-tools). DO NOT EDIT.
"""Generated gRPC stubs of the moltmesh API (proto package moltmesh.v1)."""

__all__ = ["a2a_pb2", "a2a_pb2_grpc", "diag_pb2", "diag_pb2_grpc", "ext_pb2", "ext_pb2_grpc", "types_pb2", "types_pb2_grpc"]
