# syntax=docker/dockerfile:1.4
FROM debian:bookworm-slim

ARG DEBIAN_FRONTEND=noninteractive
RUN <<EOF
set -eux
apt-get update
apt-get install -y --no-install-recommends curl ca-certificates
rm -rf /var/lib/apt/lists/*
EOF

RUN <<-'SCRIPT' bash
	set -euo pipefail
	echo "no $expansion here"
	SCRIPT

COPY <<EOF /etc/app/config.ini
[server]
port = 8080
host = ${HOSTNAME:-0.0.0.0}
EOF

COPY --chmod=0755 <<'EOT' /usr/local/bin/entrypoint.sh
#!/bin/sh
exec "$@"
EOT

RUN <<FILE1 cat > /file1 && <<FILE2 cat > /file2
I am
first
FILE1
I am
second
FILE2

RUN python3 <<PY
print("hello from heredoc")
PY
ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
CMD ["bash"]
