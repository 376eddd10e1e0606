# syntax=docker/dockerfile:1.4
FROM --platform=$BUILDPLATFORM rust:1.76-bookworm AS chef
RUN cargo install cargo-chef --locked
WORKDIR /app

FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS builder
ARG TARGETPLATFORM
ARG TARGETARCH
COPY --from=planner /app/recipe.json recipe.json
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/app/target,id=target-$TARGETARCH \
    cargo chef cook --release --recipe-path recipe.json
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/app/target,id=target-$TARGETARCH \
    cargo build --release && cp target/release/app /usr/local/bin/app

FROM gcr.io/distroless/cc-debian12 AS runtime
COPY --from=builder /usr/local/bin/app /usr/local/bin/app
USER nonroot:nonroot
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/app"]
