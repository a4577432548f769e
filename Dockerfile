# syntax=docker/dockerfile:1.7
# Boardroom images, one file, three targets (docs/operations.md, "Images"):
#   docker build --target server          -t boardroom-server .
#   docker build --target builder         -t boardroom-builder .
#   docker build --target builder-armbian -t boardroom-builder-armbian .
# Checked without a Docker engine by scripts/lint-deploy.ts (tests/deploy-files.test.ts).

# The Node release the test machines run; a full version, never a moving tag.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# --- everything needed to build: all dependencies, sources, `npm run build` ---
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Client (Vite, with brotli/gzip copies) into dist/client; server, builder and the migration
# runner (esbuild, code-split ESM) into dist/app.
RUN npm run build

# --- production dependencies only, installed from the lock file ---
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- what every process needs at run time: no sources, no TypeScript, no tsx ---
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only to the process user: the code cannot be changed by what it runs.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json ./
COPY migrations ./migrations
COPY --from=build /src/dist/app ./dist/app
# `docker compose exec server npx boardroom …` (the CLI, compiled into dist/app/cli.js).
COPY bin ./bin
# Artifacts (shared by servers and builders) and scratch space, writable by the process user.
RUN mkdir -p /data/artifacts /data/builds && chown -R node:node /data
ENV DATA_DIR=/data ARTIFACTS_DIR=/data/artifacts BUILD_WORK_DIR=/data/builds
USER node

# --- the migrations one-shot: `node dist/app/migrate.js` then exit ---
FROM runtime AS migrate
CMD ["node", "dist/app/migrate.js"]

# --- the editing server ---
FROM runtime AS server
COPY --from=build /src/dist/client ./dist/client
ENV HOST=0.0.0.0 PORT=8080
EXPOSE 8080
# Node itself is PID 1 and handles SIGTERM (server/main.ts: drain, commit, close clients 1001,
# exit within 15 s); the orchestrator's grace period must be longer (compose: stop_grace_period).
STOPSIGNAL SIGTERM
# Ready means Postgres (and Redis, when set) answer: the same route the load balancer asks.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/app/server.js"]

# --- the build worker, plan executor (no root, no network, no Armbian checkout needed) ---
FROM runtime AS builder
ENV BUILDER_HEALTH_PORT=8081
EXPOSE 8081
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.BUILDER_HEALTH_PORT+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/app/builder.js"]

# --- the build worker for real images (BUILD_EXECUTOR=armbian) ---
# Adds what the Armbian framework checks for or installs on its host before it builds
# (../armbian-build lib/functions/host/basic-deps.sh `prepare_host_basic`, and the common list of
# lib/functions/host/prepare-host.sh `adaptative_prepare_host_dependencies`), plus the Docker CLI
# for its Docker mode. The framework runs as this image's user (node, never root); it relaunches
# itself in its own container when `docker info` works for that user: mount the engine's socket
# (or set DOCKER_HOST and list it in BUILD_ENV_PASSTHROUGH) and add the socket's group
# (compose: group_add). The checkout is the operator's: mount it and set ARMBIAN_DIR.
# docs/operations.md, "Building real images".
FROM builder AS builder-armbian
USER root
# hadolint ignore=DL3008 -- Debian's bookworm archive is the pin: versions follow its security updates.
RUN apt-get update \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    tini git ca-certificates util-linux docker.io \
    dialog psmisc uuid-runtime curl gnupg gawk linux-base locales \
    libc6-dev make dpkg-dev gcc ccache bison flex pkg-config libbison-dev libmpc-dev libfl-dev \
    device-tree-compiler libelf-dev libfdt-dev libncurses-dev libssl-dev libusb-1.0-0-dev \
    swig u-boot-tools uuid-dev zlib1g-dev dwarves imagemagick \
    dosfstools e2fsprogs parted gdisk fdisk \
    binfmt-support arch-test lz4 unzip zip pigz xz-utils pbzip2 lzop zstd \
    bc bsdextrautils cpio dirmngr gettext gpg jq kmod libfile-fcntllock-perl lsof \
    ncurses-base ncurses-term ntpsec-ntpdate patchutils pv rsync udev file tree expect \
    colorized-logs aria2 axel wget parallel rdfind binwalk \
    python3 libpython3-dev libffi-dev python3-yaml libgnutls28-dev qemu-user-static \
    gcc-aarch64-linux-gnu gcc-arm-linux-gnueabi gcc-arm-linux-gnueabihf \
  && sed -i 's/^# *en_US.UTF-8/en_US.UTF-8/' /etc/locale.gen && locale-gen \
  && rm -rf /var/lib/apt/lists/*
ENV BUILD_EXECUTOR=armbian ARMBIAN_DIR=/armbian
USER node
# tini reaps what compile.sh leaves behind (the builder spawns process groups) and passes SIGTERM on.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/app/builder.js"]
