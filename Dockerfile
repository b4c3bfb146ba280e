# syntax=docker/dockerfile:1
# Build: docker build -t nalgae .   Run: see docker-compose.yml.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The SQLite driver uses cgo; the runtime image has the same glibc.
RUN make build

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /data nalgae \
    && mkdir -p /data && chown nalgae /data
COPY --from=build /src/bin/nalgae /usr/local/bin/nalgae
USER nalgae
WORKDIR /data
ENV NALGAE_ADDR=0.0.0.0:8080 DATABASE_URL=/data/nalgae.db
EXPOSE 8080
ENTRYPOINT ["nalgae"]
CMD ["serve"]
