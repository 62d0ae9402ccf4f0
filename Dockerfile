# runhub container image: docs/production.md explains how to run it.
#   docker build --build-arg RUNHUB_COMMIT=$(git rev-parse --short=12 HEAD) -t runhub .
#   docker run -p 5000:5000 runhub

# -- Stage 1: build the web UI (written to src/runhub/ui/dist, as `make ui` does) ----------
FROM node:20-bookworm-slim AS ui
WORKDIR /src/ui
COPY ui/package.json ui/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY ui/ ./
RUN npm run build

# -- Stage 2: the server, installed with pip, running as an unprivileged user ---------------
FROM python:3.11-slim AS server
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# The build context has no .git: the commit `runhub --version` reports comes from this argument.
ARG RUNHUB_COMMIT=unknown
WORKDIR /build
COPY pyproject.toml setup.py README.md ./
COPY src/ src/
COPY --from=ui /src/src/runhub/ui/dist/ src/runhub/ui/dist/
RUN RUNHUB_BUILD_COMMIT="$RUNHUB_COMMIT" pip install ".[postgres,mysql,s3,prometheus]" \
    && rm -rf /build \
    && groupadd --system --gid 10001 runhub \
    && useradd --system --uid 10001 --gid 10001 --create-home --home-dir /data runhub

USER 10001:10001
WORKDIR /data
EXPOSE 5000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/health', timeout=4)"]
ENTRYPOINT ["runhub"]
# Binds all interfaces inside the container; SQLite and local artifacts land in /data unless
# the options or MLFLOW_* variables point elsewhere (docker-compose.yml uses PostgreSQL + S3).
CMD ["server", "--host", "0.0.0.0", "--port", "5000", \
     "--backend-store-uri", "sqlite:////data/runhub.db", \
     "--artifacts-destination", "/data/artifacts"]
