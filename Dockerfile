# syntax=docker/dockerfile:1
# moltmesh daemon image. The daemon is TypeScript run directly by Node 24 (type stripping), so the
# build stage only installs production dependencies; the runtime stage adds sources and a non-root user.

FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# `npm install` (not `npm ci`): the lockfile lacks some other-platform optional binaries.
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    MOLTMESH_DATA_DIR=/data \
    MOLTMESH_SOCKET=/data/moltmesh.sock
# The image joins the global network with no switch (docs/network.md); -e
# MOLTMESH_NETWORK_JOIN_PUBLIC=false makes a private mesh.
ENV MOLTMESH_NETWORK_JOIN_PUBLIC=true
RUN groupadd --system moltmesh && useradd --system --gid moltmesh --home-dir /data moltmesh \
    && mkdir -p /data && chown moltmesh:moltmesh /data && chmod 0700 /data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json moltbook.toml ./
COPY proto ./proto
COPY daemon ./daemon
COPY clients/ts ./clients/ts
COPY cli ./cli
USER moltmesh
VOLUME ["/data"]
# libp2p: TCP and QUIC on the same port number.
EXPOSE 4001/tcp 4001/udp
# The bin launcher (plain JavaScript) turns on Node's compile cache before the first TypeScript file,
# so a start after the first never loads the type stripper (docs/benchmarks.md, start-up).
HEALTHCHECK --interval=30s --timeout=5s CMD ["node", "cli/bin/moltmesh.js", "health"]
ENTRYPOINT ["node", "cli/bin/moltmesh.js"]
CMD ["start"]
