# syntax=docker/dockerfile:1
#
# One Dockerfile for the six processes of the hub. The build arg APP picks the one the image runs:
#   docker build --build-arg APP=gateway -t tiny-ideris-hub/gateway:dev .
# APP is one of: gateway (3000), orders (3001), catalog (3002), fiscal-shipping (3003),
# status-sync (3004), sandbox (3100). Every image holds the whole dist/, so APP can also be
# overridden at run time (`-e APP=orders`); the per-app images only differ in their last layer.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: all dependencies, compile apps/ and libs/ into dist/ with swc -------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# ---- deps: production dependencies only ---------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- runtime ------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Files stay owned by root and read-only for the app user (Kubernetes also mounts the root
# filesystem read-only); the process writes only to stdout/stderr and /tmp.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# 1000:1000 is the `node` user of the official image; numeric so that Kubernetes' runAsNonRoot can
# verify it.
USER 1000:1000
# Selected last so that every app shares all the layers above.
ARG APP=gateway
ENV APP=${APP}
# gateway, orders, catalog, fiscal-shipping, status-sync, sandbox. Each app listens on $PORT.
EXPOSE 3000 3001 3002 3003 3004 3100
# No HEALTHCHECK here: the port depends on the app and on PORT; docker-compose.yml and the
# Kubernetes probes check /health/ready and /health/live themselves.
# `exec` makes node PID 1, so it receives SIGTERM and drains its NATS consumers on shutdown.
CMD ["/bin/sh", "-c", "exec node dist/apps/${APP}/src/main.js"]
