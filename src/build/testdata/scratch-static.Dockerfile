# syntax=docker/dockerfile:1.4
FROM golang:1.22 AS build
WORKDIR /go/src/app
COPY --link go.mod go.sum ./
RUN go mod download
COPY --link . .
RUN CGO_ENABLED=0 go build -o /go/bin/app

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=0 --chown=65534:65534 --chmod=555 /go/bin/app /app
USER 65534:65534
VOLUME ["/data"]
ENTRYPOINT ["/app"]
