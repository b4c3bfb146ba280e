# syntax=docker/dockerfile:1
# Nalgae in one image: the web app built with Node, the Go binary that embeds
# it, and a small runtime. Build: docker build -t nalgae .
# Run: docker compose --profile sqlite up (or --profile postgres); see README.

# 1. The single-page app, into frontend/dist.
FROM node:22-bookworm-slim AS spa
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# 2. The binary. The SQLite driver uses cgo; the runtime below has the same
#    glibc (Debian bookworm). `make build-go` is the Makefile's own build
#    command, so that the image holds what `make build` gives (checked by
#    cmd/nalgae/packaging_test.go).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download && go mod verify
COPY . .
COPY --from=spa /src/frontend/dist/ ./frontend/dist/
ARG VERSION=docker
RUN make build-go VERSION=$VERSION && ./bin/nalgae version

# 3. The runtime: the binary, CA certificates and time zones, a user without
#    privileges, and /data for the SQLite file.
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin nalgae \
    && mkdir -p /data && chown nalgae:nalgae /data
COPY --from=build /src/bin/nalgae /usr/local/bin/nalgae
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
ENV NALGAE_ENV=production \
    NALGAE_ADDR=0.0.0.0:8080 \
    NALGAE_LOG_FORMAT=json \
    DATABASE_URL=/data/nalgae.db
EXPOSE 8080
ENTRYPOINT ["nalgae"]
CMD ["serve"]
