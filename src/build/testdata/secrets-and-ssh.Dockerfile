# syntax=docker/dockerfile:1.4
ARG BASE_IMAGE=alpine:3.19
FROM ${BASE_IMAGE} AS fetch
RUN apk add --no-cache git openssh-client
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc,required=true \
    --mount=type=ssh \
    --network=host \
    git clone git@github.com:example/private.git /src

FROM ${BASE_IMAGE}
RUN --mount=type=tmpfs,target=/tmp,size=64m \
    --mount=type=bind,from=fetch,source=/src,target=/mnt/src \
    cp -r /mnt/src /opt/src
ADD --chmod=644 https://example.com/archive.tar.gz /opt/
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool /usr/local/bin/tool
ADD vendor.tar.gz /opt/vendor/
ENTRYPOINT /opt/src/run.sh
