# The user code image of a Kubernetes deployment (docs/deploy_kubernetes.md): parindex with the extra
# `distributed`, serving its Dagster definitions over gRPC; the K8sRunLauncher starts each run in a pod of
# this image. Build from the repository's folder: docker build -t REGISTRY/parindex:VERSION .
FROM python:3.11-slim-bookworm

# No .pyc files in the image's layers, and Python's output unbuffered so that pod logs are live.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DAGSTER_HOME=/opt/dagster/dagster_home

WORKDIR /opt/parindex
# The package's metadata first: its dependencies are one layer, rebuilt only when the pins change.
COPY pyproject.toml README.md ./
COPY parindex_facts parindex_facts
COPY etl etl
COPY warehouse warehouse
COPY quality_checks quality_checks
COPY scoring scoring
COPY reports reports
COPY simulators simulators
COPY assets assets
COPY workspace.yaml ./
RUN pip install --no-cache-dir '.[distributed]' \
    && useradd --system --uid 10001 --home-dir /opt/parindex parindex \
    && mkdir -p "$DAGSTER_HOME" /opt/parindex/exports /opt/parindex/manual \
    && chown -R parindex "$DAGSTER_HOME" /opt/parindex/exports /opt/parindex/manual

# Never root: the pipeline needs no privilege, and its files (exports, run logs) are the service user's.
USER parindex
EXPOSE 3030
# The Helm chart passes its own arguments (dagsterApiGrpcArgs); this default serves the same definitions.
CMD ["dagster", "api", "grpc", "-h", "0.0.0.0", "-p", "3030", "-m", "assets.definitions"]
